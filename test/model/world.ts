/**
 * The system under test: one `MemoryIm` in manual mode, a signaling instance per device, and a
 * journal of what each device learned — every listener callback, and every command of its own
 * whose promise resolved (SPEC §3: the acting device learns from its promise).
 *
 * @module
 */
import { setImmediate } from 'node:timers/promises'
import { createSignaling, SignalingError, type InviteeState, type Signaling } from '@beckon/core'
import { MemoryIm, type MemoryTransport } from '@beckon/adapter-memory'
import { deviceNames, groupID, users, type DeviceName } from './model.js'

/** One thing a device learned about one invitee. */
export interface Learned {
  /** The listener callback, or `self`: the device's own command resolved. */
  readonly source: string
  readonly inviteID: string
  readonly invitee: string
  readonly outcome: InviteeState
  readonly data: string
}

export interface Device {
  readonly name: DeviceName
  readonly userID: string
  readonly signaling: Signaling
  readonly transport: MemoryTransport
  /** What it learned about invitees, in order. */
  readonly learned: Learned[]
  /** `onReceiveNewInvitation` calls per invitation. */
  readonly rings: Map<string, number>
  /** Rings that came when the device could not answer or watch: past the deadline, or nobody it cares about pending. */
  readonly lateRings: string[]
  /** `onInvitationModified` calls per invitation. */
  readonly modified: Map<string, number>
}

/** How a command's promise ended, once the IM had its chance to answer. */
export type Settled<T> =
  | { readonly kind: 'resolved'; readonly value: T }
  | { readonly kind: 'rejected'; readonly code: number }
  | { readonly kind: 'pending' }

/** Faults and work done in one run, summed into the suite's figures. */
export interface Tally {
  commands: number
  drops: number
  duplicates: number
  reorders: number
  disconnects: number
  invitations: number
}

/**
 * Whether a ring is wrong, read from the device's own view as the ring is made: an invitee's
 * device rings only while its user is pending, a group observer only while someone is, the
 * inviter's other devices never for a 1:1 invitation (README, "Decisions"), and nobody at or
 * after the deadline (SPEC §3 "Time").
 */
const lateRing = (device: Device, inviteID: string, now: number): string | undefined => {
  const view = device.signaling.getInvitation(inviteID)
  if (view === undefined) return `${inviteID}: rang, but the device does not hold it`
  const invited = view.invitees.find((i) => i.userID === device.userID)
  if (view.groupID === '' && invited === undefined) return `${inviteID}: a 1:1 invitation rang on the inviter's other device`
  const open = invited === undefined ? view.active : invited.state === 'pending'
  if (!open) return `${inviteID}: rang with nobody ${invited === undefined ? '' : `but ${device.userID} `}pending`
  if (view.deadline !== null && now >= view.deadline) return `${inviteID}: rang ${now - view.deadline} ms after its deadline`
  return undefined
}

/** The listener that writes a device's journal. */
const journal = (device: Device, now: () => number) => {
  const learn = (source: string, inviteID: string, invitees: readonly string[], outcome: InviteeState, data: string): void => {
    for (const invitee of invitees) device.learned.push({ source, inviteID, invitee, outcome, data })
  }
  const count = (map: Map<string, number>, inviteID: string): void => void map.set(inviteID, (map.get(inviteID) ?? 0) + 1)
  return {
    onReceiveNewInvitation: (inviteID: string) => {
      count(device.rings, inviteID)
      const late = lateRing(device, inviteID, now())
      if (late !== undefined) device.lateRings.push(late)
    },
    onInvitationModified: (inviteID: string) => count(device.modified, inviteID),
    onInviteeAccepted: (inviteID: string, invitee: string, data: string) => learn('onInviteeAccepted', inviteID, [invitee], 'accepted', data),
    onInviteeRejected: (inviteID: string, invitee: string, data: string) => learn('onInviteeRejected', inviteID, [invitee], 'rejected', data),
    onInvitationCancelled: (inviteID: string, _inviter: string, data: string, invitees: string[]) =>
      learn('onInvitationCancelled', inviteID, invitees, 'cancelled', data),
    // A timeout's callback carries no data: only its kind is news.
    onInvitationTimeout: (inviteID: string, invitees: string[]) => learn('onInvitationTimeout', inviteID, invitees, 'timedOut', ''),
  }
}

/** Whether the ids the devices draw sort in the order they are drawn or in its reverse. */
export type IdOrder = 'ascending' | 'descending'

export class World {
  readonly im = new MemoryIm()
  readonly start = this.im.clock.now()
  readonly devices: ReadonlyMap<DeviceName, Device>
  readonly tally: Tally = { commands: 0, drops: 0, duplicates: 0, reorders: 0, disconnects: 0, invitations: 0 }
  /** What the commands did, in order, for the failure message. */
  readonly trace: string[] = []

  private constructor(idOrder: IdOrder) {
    // One counter for every device: action ids are unique, and they sort in the order they were
    // drawn or in its reverse, so that neither arbitration nor a law can lean on ids that happen
    // to follow the order of the calls.
    let next = 0
    const ids = (name: string) => () => `${String(idOrder === 'ascending' ? ++next : 999_999 - ++next).padStart(6, '0')}-${name}`
    this.devices = new Map(
      deviceNames.map((name) => {
        const [userID, deviceID] = name.split('/') as [string, string]
        const transport = this.im.connect(userID, { deviceID })
        const device: Device = { name, userID, transport, signaling: createSignaling({ transport, ids: ids(name) }), learned: [], rings: new Map(), lateRings: [], modified: new Map() }
        device.signaling.addSignalingListener(journal(device, () => this.now()))
        return [name, device] as const
      }),
    )
  }

  /** Every device connected, group `g` with every user, then manual delivery (`im.hold()`). */
  static async create(idOrder: IdOrder = 'ascending'): Promise<World> {
    const world = new World(idOrder)
    await world.device('alice/phone').transport.createGroup(groupID, users.filter((user) => user !== 'alice'))
    await world.im.settle()
    world.im.hold()
    return world
  }

  device(name: DeviceName): Device {
    const device = this.devices.get(name)
    if (device === undefined) throw new Error(`no device ${name}`)
    return device
  }

  now(): number {
    return this.im.clock.now()
  }

  /** Runs what is due now (catch-up, timers due, the IM's answers), then lets promise chains finish. */
  async flush(): Promise<void> {
    await this.im.settle()
    await setImmediate()
  }

  /**
   * Law 5 (every promise settles): flushes, then says how the command's promise ended — the IM
   * answers every send at once, so one still pending now hangs, and the command's postcondition
   * fails on it. A rejection that is not a `SignalingError` fails here.
   */
  async settle<T>(what: string, promise: Promise<T>): Promise<Settled<T>> {
    let settled: Settled<T> = { kind: 'pending' }
    let stray: { readonly error: unknown } | undefined
    promise.then(
      (value) => {
        settled = { kind: 'resolved', value }
      },
      (error: unknown) => {
        if (error instanceof SignalingError) settled = { kind: 'rejected', code: error.code }
        else stray = { error }
      },
    )
    await this.flush()
    if (stray !== undefined) throw new Error(`${what} rejected with something other than a SignalingError: ${String(stray.error)}`)
    return settled
  }

  /** Notes what a command did, with the virtual time since the world was made. */
  record(line: string): void {
    this.trace.push(`${String(this.now() - this.start).padStart(7)} ms  ${line}`)
  }
}
