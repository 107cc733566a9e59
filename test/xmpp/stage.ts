/**
 * A cast of people on the test server for the signaling tests over XMPP.
 *
 * Each {@link Stage} registers accounts of its own (`alice` → `alice-s-<run>-<n>`): archives and
 * rooms outlive a test, and a device logging in catches up on the last ten minutes of its user's
 * archive, so a shared account would ring for another test's calls. The scripts and assertions keep
 * the plain names; {@link RenamedTransport} maps them onto the accounts (see `examples/xmpp.ts`).
 *
 * A {@link Party} is one device with its signaling and a record of every callback it got, stamped
 * with the local time and the device's estimate of the server's time.
 *
 * @module
 */
import type { XmppTransport } from '@beckon/adapter-im'
import { createSignaling, SignalingError, type ImTransport, type InvitationView, type Signaling } from '@beckon/core'
import { RenamedTransport, suffixed, whenConnected, type Naming } from '../../examples/xmpp.js'
import { hearEvery, type Callback } from '../support/callbacks.js'
import { device, server, uniqueName, until } from './support.js'

/**
 * Create accounts on the server under test, without blocking the event loop (a synchronous
 * registration would stall the timers of the tests running beside this one).
 */
export const registerAccounts = (accounts: readonly string[]): Promise<void> => server.registerAccounts(accounts)

export type { Callback }

/** One callback as a party got it. `who`: the inviter (invite, cancel) or the invitee (accept, reject). */
export interface Heard {
  readonly event: Callback
  readonly inviteID: string
  readonly who: string
  readonly list: readonly string[]
  readonly data: string
  /** `Date.now()` when it was called. */
  readonly at: number
  /** The device's estimate of the server's clock when it was called. */
  readonly serverAt: number
}

/** One logged-in device of one person, with its signaling. */
export class Party {
  readonly heard: Heard[] = []
  readonly signaling: Signaling
  /** Every connection state the device reported, in order. */
  readonly states: string[] = []

  constructor(
    readonly name: string,
    /** The XMPP transport itself (disconnect, serverNow, reconnection). */
    readonly device: XmppTransport,
    /** What the signaling runs on: the same transport under the script's names. */
    readonly transport: ImTransport,
  ) {
    transport.onConnectionChange((state) => this.states.push(state))
    this.signaling = createSignaling({ transport })
    const hear = (event: Callback, inviteID: string, who: string, list: readonly string[], data: string): void => {
      this.heard.push({ event, inviteID, who, list: [...list], data, at: Date.now(), serverAt: device.serverNow() })
    }
    hearEvery(this.signaling, hear)
  }

  get label(): string {
    return `${this.name}/${this.device.deviceID}`
  }

  /** The callbacks of one kind about one invitation. */
  heardOf(event: Callback, inviteID: string): Heard[] {
    return this.heard.filter((h) => h.event === event && h.inviteID === inviteID)
  }

  /** The invitation as this device sees it, reduced to what must agree everywhere. */
  outcome(inviteID: string): { active: boolean; invitees: { userID: string; state: string; data: string; deviceID: string }[] } | undefined {
    const view: InvitationView | undefined = this.signaling.getInvitation(inviteID)
    if (view === undefined) return undefined
    return { active: view.active, invitees: view.invitees.map(({ userID, state, data, deviceID }) => ({ userID, state, data, deviceID })) }
  }
}

/** Fresh accounts for `names`, and every device logged in through them (closed by {@link Stage.close}). */
export class Stage {
  readonly naming: Naming
  readonly #devices: XmppTransport[] = []
  readonly #parties: Party[] = []

  private constructor(naming: Naming) {
    this.naming = naming
  }

  /** A stage whose people are `names`, each with a fresh account. */
  static async open(names: readonly string[]): Promise<Stage> {
    const naming = suffixed(uniqueName('s'))
    await registerAccounts(names.map(naming.toServer))
    return new Stage(naming)
  }

  /** Log a device of `name` in, without waiting; the transport the app would use, and the XMPP one. */
  login(name: string, deviceID?: string): { transport: ImTransport; device: XmppTransport } {
    const xmpp = device(this.naming.toServer(name), deviceID, { reconnectDelayMs: 100 })
    this.#devices.push(xmpp)
    return { transport: new RenamedTransport(xmpp, this.naming), device: xmpp }
  }

  /** The examples' `Connect`: a new device of `name`, once it has caught up. */
  readonly connect = async (name: string): Promise<ImTransport> => {
    const { transport } = this.login(name)
    await whenConnected(transport)
    return transport
  }

  /** A device of `name` with its signaling; resolves once it has caught up (unless `wait: false`). */
  async party(name: string, deviceID?: string, wait = true): Promise<Party> {
    const { transport, device } = this.login(name, deviceID)
    const party = new Party(name, device, transport)
    this.#parties.push(party)
    if (wait) await whenConnected(transport)
    return party
  }

  /**
   * Wait (up to `waitMs`) until every device's estimate of the server clock is within `ms`, and
   * return how far off the worst one may still be. Prosody states time in whole seconds, so right
   * after login an estimate may be ±0.5 s off until the adapter has seen the server's second tick
   * over (adapter-im README, *Time*); on a busy loopback that can stay at a few tens of ms. Tests
   * that compare one device's deadline with another's clock wait for this and allow what is left.
   */
  async settledClocks(ms = 20, waitMs = 3_000): Promise<number> {
    const worst = (): number => Math.max(0, ...this.#devices.map((d) => d.serverClockUncertaintyMs))
    await until(() => worst() <= ms, `server clock estimates within ${ms} ms`, waitMs).catch(() => undefined)
    return worst()
  }

  /** The server id of a group the scripts call `groupID`. */
  group(groupID: string): string {
    return this.naming.toServer(groupID)
  }

  async close(): Promise<void> {
    for (const party of this.#parties.splice(0)) party.signaling.close()
    await Promise.all(this.#devices.splice(0).map((d) => d.disconnect()))
  }
}

/** The Tencent code a promise failed with (`undefined` if it resolved, the error itself if not a SignalingError). */
export const failureCode = async (operation: Promise<unknown>): Promise<number | unknown> => {
  try {
    await operation
    return undefined
  } catch (error) {
    return error instanceof SignalingError ? error.code : error
  }
}
