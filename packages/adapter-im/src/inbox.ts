/**
 * Everything that arrives, and the catch-up that makes `connected` mean "nothing missed".
 *
 * On every new session (first login, reconnect after a drop, after a server restart) a device:
 * measures the server clock, enables carbons, sends presence, reads its user's archive from just
 * before it was last online, sits in its rooms again and reads their archives, joins rooms it was
 * invited to meanwhile, delivers all that in server-time order, then what arrived live meanwhile,
 * and only then reports `connected`. Every copy of a message (live, carbon, offline storage,
 * archive) goes through one de-duplication by sender and id, so each is delivered once.
 *
 * A new process of a device with a saved place (`placeKeeper.ts`) first sits in the rooms it
 * saved, and reads each archive from where the saved place says it stopped — or the last
 * `firstCatchUpWindowMs`, whichever reaches further back.
 *
 * @module
 */
import type { Element } from '@xmpp/client'
import { xml } from '@xmpp/xml'
import { TransportError, type ConnectionState, type Conversation, type IncomingMessage } from '@beckon/core'
import { isArchiveResult, readArchive, type ArchivedMessage } from './archive.js'
import { readCarbon, readInvitation, readSignal, type Invitation } from './decode.js'
import type { Groups } from './groups.js'
import { routeGroupMessage, routeUserMessage, type RouteContext, type Routed } from './inbound.js'
import { parseAddress } from './jid.js'
import { BoundedMap, Listeners } from './listeners.js'
import type { ClockReadings } from './clockReadings.js'
import { NS_CARBONS } from './namespaces.js'
import type { PlaceKeeper } from './placeKeeper.js'
import type { Room } from './rooms.js'
import type { ServerClock } from './serverTime.js'
import { IqError, type XmppSession } from './session.js'
import { availablePresence } from './stanzas.js'

/**
 * How long a live adoption that failed waits before each next try, while the session lasts: a
 * lookup, join or archive read unanswered on a busy server is worth trying again, and the next
 * session's catch-up adopts the room from its invitation anyway.
 */
const ADOPTION_RETRY_MS = [1_000, 2_000, 4_000, 8_000, 16_000, 30_000] as const

/** What a room answers a join with when this user may not sit in it: adopting it cannot succeed later either. */
const REFUSALS = new Set(['item-not-found', 'gone', 'registration-required', 'forbidden'])

export interface InboxContext {
  readonly session: XmppSession
  readonly clock: ServerClock
  readonly readings: ClockReadings
  readonly groups: Groups
  readonly route: RouteContext
  readonly place: PlaceKeeper
  readonly firstCatchUpWindowMs: number
  readonly catchUpMarginMs: number
  readonly setState: (state: ConnectionState) => void
  readonly onError: (error: unknown) => void
}

/** A message this user sent, as far as `replace` needs to know. */
export interface SentMessage {
  readonly to: Conversation
  readonly onlineOnly: boolean
}

/** Wait until one of `waiters` is called; fail with Disconnected after `timeoutMs`. */
const waitFor = (waiters: Set<() => void>, timeoutMs: number): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer)
      waiters.delete(done)
      resolve()
    }
    const timer = setTimeout(() => {
      waiters.delete(done)
      reject(new TransportError('Disconnected', 'the connection to the XMPP server did not come back in time'))
    }, timeoutMs)
    waiters.add(done)
  })

const wake = (waiters: ReadonlySet<() => void>): void => {
  for (const done of [...waiters]) done()
}

export class Inbox {
  readonly messages: Listeners<IncomingMessage>
  readonly #ctx: InboxContext
  readonly #seen = new BoundedMap<string, true>(50_000)
  readonly #sent = new BoundedMap<string, SentMessage>(10_000)
  /**
   * What this process itself sent (by routing key): only those echoes are dropped. A message an
   * earlier run of this device sent comes back from the archive as news, since this run never
   * heard of it (it may be this device's own answer to a call that is still in the archive).
   */
  readonly #sentHere = new BoundedMap<string, true>(10_000)
  readonly #onUp = new Set<() => void>()
  readonly #onCaughtUp = new Set<() => void>()
  /** Live adoptions waiting to be tried again, cancelled when the session ends. */
  readonly #adoptionRetries = new Set<ReturnType<typeof setTimeout>>()
  #paused = true
  #generation = 0
  #catchingUp = false
  #buffer: Routed[] = []
  #invitations = new Map<string, Invitation>()
  #caughtUp = false
  #everCaughtUp = false
  /** Whether the session that dropped last had caught up (its resumption then needs no catch-up). */
  #droppedCaughtUp = false
  #lastOnlineAt = 0

  constructor(ctx: InboxContext) {
    this.#ctx = ctx
    this.messages = new Listeners(ctx.onError)
    ctx.session.onStanza((stanza) => this.#onStanza(stanza))
    ctx.session.onEvent((event) => (event === 'down' ? this.#down() : this.#up(event)))
  }

  /** The app disconnected this device: stop reporting, remember when it was last online. */
  pause(): void {
    this.#paused = true
    this.#down()
  }

  resume(): void {
    this.#paused = false
  }

  /** Resolve once a session is up (sending is possible, even while catching up). */
  async whenSessionUp(timeoutMs: number): Promise<void> {
    if (this.#ctx.session.online) return
    await waitFor(this.#onUp, timeoutMs)
  }

  /**
   * Resolve once this device sits in its rooms again: a new session left them all, and its
   * catch-up joins them before reporting `connected`. Resolves at once while caught up.
   */
  async whenCaughtUp(timeoutMs: number): Promise<void> {
    if (this.#caughtUp) return
    await waitFor(this.#onCaughtUp, timeoutMs)
  }

  /** This process is about to send message `id`: its echoes are not news here. */
  sendingHere(id: string): void {
    this.#sentHere.set(`${this.#ctx.session.me.bare}|${id}`, true)
  }

  rememberSent(id: string, to: Conversation, onlineOnly: boolean): void {
    this.#sent.set(id, { to, onlineOnly })
  }

  sentMessage(id: string): SentMessage | undefined {
    return this.#sent.get(id)
  }

  #up(event: 'online' | 'resumed'): void {
    wake(this.#onUp)
    if (this.#paused) return
    const resumedCaughtUp = event === 'resumed' && this.#droppedCaughtUp
    this.#droppedCaughtUp = false
    if (resumedCaughtUp) {
      // XEP-0198 resumed the old session: the server replayed what it held, rooms were kept.
      // Only a session that had caught up: one whose catch-up failed must do it again.
      this.#caughtUp = true
      this.#ctx.place.caughtUp()
      this.#ctx.session.up()
      this.#ctx.setState('connected')
      wake(this.#onCaughtUp)
      return
    }
    const generation = ++this.#generation
    this.#ctx.route.registry.markAllLeft()
    void this.#catchUp(generation)
  }

  #down(): void {
    if (this.#caughtUp) {
      this.#lastOnlineAt = this.#ctx.clock.now()
      this.#droppedCaughtUp = true
    }
    this.#caughtUp = false
    this.#catchingUp = false
    this.#ctx.place.lost()
    for (const timer of this.#adoptionRetries) clearTimeout(timer)
    this.#adoptionRetries.clear()
    this.#generation++
    if (!this.#paused) this.#ctx.setState('connecting')
  }

  async #catchUp(generation: number): Promise<void> {
    const { session, groups, route } = this.#ctx
    this.#catchingUp = true
    this.#buffer = []
    this.#invitations = new Map()
    try {
      await this.#ctx.readings.read()
      // Without carbons this device misses its siblings' live messages, not their archived copies.
      await session.iq(xml('iq', { type: 'set' }, xml('enable', { xmlns: NS_CARBONS }))).catch((error: unknown) => {
        if (!(error instanceof IqError)) throw error
        this.#ctx.onError(error)
      })
      await session.send(availablePresence())
      const first = !this.#everCaughtUp
      if (first) await this.#sitInSavedRooms()
      const { place, catchUpMarginMs: margin } = this.#ctx
      const since = first ? this.#ctx.clock.now() - this.#ctx.firstCatchUpWindowMs : this.#lastOnlineAt - margin
      const userSince = first ? place.userFrom(since, margin) : since
      const collected = (await readArchive(session, { since: userSince })).flatMap((item) => this.#fromUserArchive(item))
      for (const room of route.registry.all()) {
        if (await groups.rejoin(room)) collected.push(...(await this.#fromRoomArchive(room, first ? place.roomFrom(room.jid, since, margin) : since)))
      }
      for (const invitation of this.#invitations.values()) collected.push(...(await this.#adopt(invitation, userSince)))
      if (generation !== this.#generation) return
      // Each archive is in the server's order, which is the order of sending: keep it.
      for (const routed of [...collected, ...this.#buffer]) this.#deliver(routed)
      this.#buffer = []
      this.#catchingUp = false
      this.#caughtUp = true
      this.#everCaughtUp = true
      this.#ctx.place.caughtUp()
      session.up()
      this.#ctx.setState('connected')
      wake(this.#onCaughtUp)
      void this.#ctx.readings.calibrate(() => generation === this.#generation)
    } catch (error) {
      this.#ctx.onError(error)
      // Start over on a fresh session rather than report `connected` with a hole.
      if (generation === this.#generation && !this.#paused) session.drop()
    }
  }

  /** A new process: sit in the rooms an earlier one saved (rejoined and read like any known room). */
  async #sitInSavedRooms(): Promise<void> {
    const { registry, me } = this.#ctx.route
    const saved = await this.#ctx.place.restore()
    for (const [jid, room] of Object.entries(saved?.rooms ?? {})) registry.add(jid, room.groupID, `${me.local}/${me.resource}`)
  }

  /** One more reading of the server's clock (for `syncServerTime`); a no-op while offline. */
  async sampleClock(): Promise<void> {
    if (!this.#caughtUp) return
    await this.#ctx.readings.read().catch(() => undefined)
  }

  #fromUserArchive(item: ArchivedMessage): Routed[] {
    const invitation = readInvitation(item.message)
    if (invitation !== undefined) this.#invitations.set(invitation.room, invitation)
    const signal = readSignal(item.message)
    const routed = signal === undefined ? undefined : routeUserMessage(signal, item.stamp, this.#ctx.route)
    return routed === undefined ? [] : [routed]
  }

  async #fromRoomArchive(room: Room, since: number): Promise<Routed[]> {
    const items = await readArchive(this.#ctx.session, { room: room.jid, since })
    return items.flatMap((item) => {
      const signal = readSignal(item.message)
      const routed = signal === undefined ? undefined : routeGroupMessage(signal, item.stamp, true, this.#ctx.route)
      return routed === undefined ? [] : [routed]
    })
  }

  /**
   * Sit in a room this user was invited to, if it exists and lets this user in; read its archive.
   * Membership changes since the invitation (by the inviter's list, if the inviter is a member)
   * are announced like any other.
   */
  async #adopt(invitation: Invitation, since: number): Promise<Routed[]> {
    const { groups, route } = this.#ctx
    const jid = invitation.room
    if (route.registry.get(jid) !== undefined || !(await groups.exists(jid))) return []
    // Its saved position stays at `since` until the read is delivered. Both callers deliver before
    // a checkpoint of the place can be taken: catch-up before it reports being caught up, a live
    // adoption as soon as this resolves (no timer runs in between).
    const delivered = this.#ctx.place.reading(jid, since)
    const room = route.registry.add(jid, jid.slice(0, jid.indexOf('@')), `${route.me.local}/${route.me.resource}`)
    try {
      const outcome = await groups.enter(room)
      if (!outcome.ok && REFUSALS.has(outcome.condition)) {
        route.registry.remove(room, 'left')
        return []
      }
      if (!outcome.ok) throw new IqError(outcome.condition)
      const members = await groups.readMembers(jid)
      if (invitation.members !== undefined && members.has(invitation.inviter)) {
        route.registry.setMembers(room, new Map(invitation.members.map((bare) => [bare, 'member'])), route.toUserID)
      }
      route.registry.setMembers(room, members, route.toUserID)
      return await this.#fromRoomArchive(room, since)
    } catch (error) {
      // Half-joined is not joined: left registered, the room would be rejoined on the next session
      // instead of adopted from its invitation again, as it must be.
      route.registry.discard(room)
      throw error
    } finally {
      delivered()
    }
  }

  /**
   * Adopt a room this device was invited to while caught up. A failure is reported and the
   * adoption tried again after each pause of {@link ADOPTION_RETRY_MS} while the session lasts;
   * after the last, or once the session ends, the next catch-up adopts the room.
   */
  async #adoptLive(invitation: Invitation, attempt = 0): Promise<void> {
    const generation = this.#generation
    try {
      const routed = await this.#adopt(invitation, this.#ctx.clock.now() - this.#ctx.firstCatchUpWindowMs)
      if (generation === this.#generation) for (const r of routed) this.#deliver(r)
    } catch (error) {
      this.#ctx.onError(error)
      const pause = ADOPTION_RETRY_MS[attempt]
      if (generation !== this.#generation || pause === undefined) return
      const timer = setTimeout(() => {
        this.#adoptionRetries.delete(timer)
        void this.#adoptLive(invitation, attempt + 1)
      }, pause)
      this.#adoptionRetries.add(timer)
    }
  }

  #onStanza(stanza: Element): void {
    if (this.#paused) return
    const { route } = this.#ctx
    const from = parseAddress(stanza.attrs['from'])
    if (stanza.is('presence')) {
      if (from?.domain !== route.mucDomain) return
      const { lost, dismissed } = route.registry.handlePresence(stanza, from, route.toUserID)
      if (lost !== undefined) route.registry.remove(lost, 'left')
      if (dismissed !== undefined) route.registry.remove(dismissed, 'dismissed')
      return
    }
    if (!stanza.is('message') || isArchiveResult(stanza)) return
    // Errors bounced for what this device sent are the send confirmations' (confirmations.ts).
    if (stanza.attrs['type'] === 'error') return
    const carbon = readCarbon(stanza, route.me)
    if (carbon !== undefined) {
      const signal = readSignal(carbon.message)
      this.#accept(signal === undefined ? undefined : routeUserMessage(signal, carbon.delay, route))
    } else if (from?.domain === route.mucDomain) {
      const room = route.registry.get(from.bare)
      if (room !== undefined && from.resource === '') route.registry.handleAnnouncement(stanza, room, route.toUserID)
      const signal = readSignal(stanza)
      this.#accept(signal === undefined ? undefined : routeGroupMessage(signal, undefined, false, route))
    } else {
      const invitation = readInvitation(stanza)
      if (invitation !== undefined) this.#invited(invitation)
      const signal = readSignal(stanza)
      this.#accept(signal === undefined ? undefined : routeUserMessage(signal, undefined, route))
    }
  }

  #invited(invitation: Invitation): void {
    if (this.#catchingUp) this.#invitations.set(invitation.room, invitation)
    else void this.#adoptLive(invitation)
  }

  #accept(routed: Routed | undefined): void {
    if (routed === undefined) return
    if (this.#catchingUp) this.#buffer.push(routed)
    else this.#deliver(routed)
  }

  #deliver(routed: Routed): void {
    const { message } = routed
    if (routed.sentByMyUser && !message.modified) this.#sent.set(message.messageID, { to: message.conversation, onlineOnly: routed.onlineOnly })
    if ((routed.own && this.#sentHere.has(routed.key)) || this.#seen.has(routed.key)) return
    this.#seen.set(routed.key, true)
    this.messages.emit(message)
  }
}
