/**
 * The examples on a real XMPP server: a {@link Connect} that logs each person in to Prosody (or
 * any server with the extensions `@beckon/adapter-im` needs), used by `npm run demo -- --xmpp`
 * and by `test/xmpp/scenarios.test.ts`.
 *
 * The scripts name their people (`alice`, `bob`, `student1`…) and their class (`class-7`). A
 * server that outlives one run keeps those accounts' archives and rooms, and a device that logs in
 * catches up on the last ten minutes of its archive — it would ring for the last run's calls. So
 * a run may map every name onto an account and a room of its own (`alice` → `alice-k3x9`) with
 * a {@link Naming}; {@link RenamedTransport} applies it between the signaling and the XMPP
 * transport. The server, the wire and the transport stay the real ones; only the names the app
 * sees are the script's.
 *
 * @module
 */
import { connectXmpp, type XmppTransport } from '@beckon/adapter-im'
import type { Conversation, ImTransport, IncomingMessage, MembershipEvent, SendOptions, SendReceipt, Unsubscribe } from '@beckon/core'
import type { Connect } from './scenarios.js'

/** A bijection between the names a script uses and the accounts / room ids on the server. */
export interface Naming {
  readonly toServer: (name: string) => string
  readonly fromServer: (id: string) => string
}

export const sameNames: Naming = { toServer: (name) => name, fromServer: (id) => id }

/** `alice` ↔ `alice-<suffix>`; ids without the suffix (someone else's) pass through unchanged. */
export const suffixed = (suffix: string): Naming => {
  const tail = `-${suffix.toLowerCase()}`
  return { toServer: (name) => `${name}${tail}`, fromServer: (id) => (id.endsWith(tail) ? id.slice(0, -tail.length) : id) }
}

/** An XMPP transport seen through a {@link Naming}: user and group ids are mapped both ways. */
export class RenamedTransport implements ImTransport {
  readonly userID: string
  readonly deviceID: string

  constructor(
    readonly inner: ImTransport,
    private readonly naming: Naming,
  ) {
    this.userID = naming.fromServer(inner.userID)
    this.deviceID = inner.deviceID
  }

  get connectionState(): ImTransport['connectionState'] {
    return this.inner.connectionState
  }

  send(to: Conversation, payload: string, options: SendOptions): Promise<SendReceipt> {
    return this.inner.send(this.#out(to), payload, options)
  }

  replace(to: Conversation, messageID: string, payload: string): Promise<SendReceipt> {
    return this.inner.replace(this.#out(to), messageID, payload)
  }

  onMessage(listener: (message: IncomingMessage) => void): Unsubscribe {
    const { fromServer } = this.naming
    return this.inner.onMessage((m) =>
      listener({
        ...m,
        sender: fromServer(m.sender),
        conversation: m.conversation.kind === 'user' ? { kind: 'user', userID: fromServer(m.conversation.userID) } : { kind: 'group', groupID: fromServer(m.conversation.groupID) },
      }),
    )
  }

  createGroup(groupID: string, memberIDs: readonly string[]): Promise<void> {
    return this.inner.createGroup(this.naming.toServer(groupID), memberIDs.map(this.naming.toServer))
  }
  joinGroup(groupID: string): Promise<void> {
    return this.inner.joinGroup(this.naming.toServer(groupID))
  }
  quitGroup(groupID: string): Promise<void> {
    return this.inner.quitGroup(this.naming.toServer(groupID))
  }
  dismissGroup(groupID: string): Promise<void> {
    return this.inner.dismissGroup(this.naming.toServer(groupID))
  }
  async getGroupMembers(groupID: string): Promise<readonly string[]> {
    return (await this.inner.getGroupMembers(this.naming.toServer(groupID))).map(this.naming.fromServer)
  }

  onMembershipChange(listener: (event: MembershipEvent) => void): Unsubscribe {
    const { fromServer } = this.naming
    return this.inner.onMembershipChange((e) => listener(e.type === 'groupDismissed' ? { ...e, groupID: fromServer(e.groupID) } : { ...e, groupID: fromServer(e.groupID), userID: fromServer(e.userID) }))
  }

  onConnectionChange(listener: (state: ImTransport['connectionState']) => void): Unsubscribe {
    return this.inner.onConnectionChange(listener)
  }

  serverNow(): number {
    return this.inner.serverNow()
  }

  #out(to: Conversation): Conversation {
    return to.kind === 'user' ? { kind: 'user', userID: this.naming.toServer(to.userID) } : { kind: 'group', groupID: this.naming.toServer(to.groupID) }
  }
}

/** Resolve once `transport` reports `connected` (caught up); reject after `timeoutMs`. */
export const whenConnected = (transport: ImTransport, timeoutMs = 15_000): Promise<void> =>
  new Promise((resolve, reject) => {
    if (transport.connectionState === 'connected') return resolve()
    const timer = setTimeout(() => {
      stop()
      reject(new Error(`${transport.userID}/${transport.deviceID} did not connect within ${timeoutMs} ms`))
    }, timeoutMs)
    const stop = transport.onConnectionChange((state) => {
      if (state !== 'connected') return
      clearTimeout(timer)
      stop()
      resolve()
    })
  })

export interface XmppLogin {
  /** `xmpp://127.0.0.1:15222` */
  readonly service: string
  readonly domain: string
  readonly password: string
  /** Default {@link sameNames}: every name is its own account. */
  readonly naming?: Naming
}

/** A {@link Connect} over XMPP, and what it opened, to close at the end. */
export interface XmppCast {
  readonly connect: Connect
  readonly devices: readonly XmppTransport[]
  /** Disconnect every device it connected (they would reconnect forever otherwise). */
  close(): Promise<void>
}

/** Each `connect(name)` logs a new device in as `naming.toServer(name)` and resolves once it has caught up. */
export const xmppCast = (login: XmppLogin): XmppCast => {
  const naming = login.naming ?? sameNames
  const devices: XmppTransport[] = []
  const connect: Connect = async (name) => {
    const transport = connectXmpp({ service: login.service, domain: login.domain, userID: naming.toServer(name), password: login.password })
    devices.push(transport)
    await whenConnected(transport)
    return naming === sameNames ? transport : new RenamedTransport(transport, naming)
  }
  return { connect, devices, close: async () => void (await Promise.all(devices.splice(0).map((d) => d.disconnect()))) }
}
