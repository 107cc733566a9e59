/**
 * Groups as MUC rooms (XEP-0045) on the server's MUC component. A group is a persistent,
 * members-only, non-anonymous room with archiving on: members-only so that only members are
 * occupants (and only occupants can post), non-anonymous so that every member sees the real JID
 * behind each occupant. Each device is its own occupant, nicknamed `user/device`.
 *
 * | beckon            | XMPP                                                                  |
 * |-------------------|-----------------------------------------------------------------------|
 * | createGroup       | join a new room (status 201), configure it (roomConfig.ts; persistent once the others are members), make the others members, invite them (XEP-0249) |
 * | joinGroup         | register with the room (becomes a member), join it                    |
 * | quitGroup         | unregister (the room removes this user's occupants), or for an owner drop the affiliation |
 * | dismissGroup      | destroy the room (owner only)                                         |
 * | getGroupMembers   | the owner, admin and member affiliation lists                         |
 *
 * @module
 */
import type { Element } from '@xmpp/client'
import { xml } from '@xmpp/xml'
import { TransportError, type TransportFailure } from '@beckon/core'
import { bareJid, parseAddress } from './jid.js'
import { NS_DISCO_INFO, NS_MUC_ADMIN, NS_MUC_OWNER, NS_REGISTER } from './namespaces.js'
import type { Room, RoomRegistry } from './rooms.js'
import { IqError, type XmppSession } from './session.js'
import { configureRoom } from './roomConfig.js'
import { joinPresence, roomInvitation, submitForm } from './stanzas.js'

/** What the group operations need from the transport. */
export interface GroupsContext {
  readonly session: XmppSession
  readonly registry: RoomRegistry
  readonly mucDomain: string
  readonly nick: string
  readonly toUserID: (bare: string) => string
  readonly toBare: (userID: string) => string
  readonly newID: () => string
  readonly joinTimeoutMs: number
}

/** Turn whatever an XMPP exchange threw into the transport's one error type. */
export const toTransportError = (error: unknown, conditions: Readonly<Record<string, TransportFailure>>, what: string): TransportError => {
  if (error instanceof TransportError) return error
  if (error instanceof IqError) return new TransportError(conditions[error.condition] ?? 'Rejected', `${what}: ${error.condition}`)
  return new TransportError('Rejected', `${what}: ${String(error)}`)
}

/** How many affiliation changes `create` keeps in flight. */
const AFFILIATIONS_IN_FLIGHT = 16

/** How many invitations `create` sends before waiting for the server to have stored them. */
const INVITATIONS_PER_BARRIER = 100

/**
 * The largest room whose invitations list its members. Each member gets its own invitation, so
 * listing N members in each costs N² on the wire and in every member's offline store and archive
 * (10,000 members: ~4 GB); above this a device that joins later takes the room's list as it
 * finds it, without announcing the changes made since its invitation.
 */
export const MAX_LISTED_MEMBERS = 200

/** Run `work` on every item, at most `size` at a time; rejects with the first failure. */
const inWindows = async <T>(items: readonly T[], size: number, work: (item: T) => Promise<unknown>): Promise<void> => {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!)
  }
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker))
}

const GONE = { 'item-not-found': 'NoSuchGroup', gone: 'NoSuchGroup', forbidden: 'NotMember' } as const satisfies Record<string, TransportFailure>

export class Groups {
  constructor(private readonly ctx: GroupsContext) {}

  roomJid(groupID: string): string {
    return bareJid(groupID, this.ctx.mucDomain, 'groupID')
  }

  /** Does the room exist? A destroyed one leaves a tombstone that answers `gone`. */
  async exists(roomJid: string): Promise<boolean> {
    try {
      await this.ctx.session.iq(xml('iq', { type: 'get', to: roomJid }, xml('query', { xmlns: NS_DISCO_INFO })))
      return true
    } catch (error) {
      if (error instanceof IqError && (error.condition === 'item-not-found' || error.condition === 'gone')) return false
      throw toTransportError(error, {}, `looking up ${roomJid}`)
    }
  }

  async create(groupID: string, memberIDs: readonly string[]): Promise<void> {
    const { session, registry } = this.ctx
    const jid = this.roomJid(groupID)
    if (registry.get(jid) !== undefined || (await this.exists(jid))) throw new TransportError('GroupExists', `group ${groupID} exists`)
    const room = registry.add(jid, groupID, this.ctx.nick)
    try {
      const outcome = await this.enter(room)
      if (!outcome.ok) throw new IqError(outcome.condition)
      // Without 201 the room was there already: someone created it between the lookup and the join.
      if (!outcome.statuses.has('201')) throw new TransportError('GroupExists', `group ${groupID} exists`)
      // Persistent only once its members are in: see roomConfigFields. A creator that drops
      // meanwhile leaves no half-made group behind (the empty room goes), and create fails.
      await configureRoom(session, jid, false)
      const others = [...new Set(memberIDs.map(this.ctx.toBare))].filter((bare) => bare !== session.me.bare)
      // One item per request: Prosody applies only the first item of a muc#admin set. A few at a
      // time, each waiting as long as the session lasts: the server takes them one after the
      // other, so with thousands sent at once the last would wait past any timer.
      await inWindows(others, AFFILIATIONS_IN_FLIGHT, (bare) =>
        session.request(xml('iq', { type: 'set', to: jid }, xml('query', { xmlns: NS_MUC_ADMIN }, xml('item', { affiliation: 'member', jid: bare })))),
      )
      await configureRoom(session, jid)
      const members = await this.readMembers(jid)
      registry.setMembers(room, members, this.ctx.toUserID)
      // Members (and this user's other devices) learn of the room by invitation, kept offline and archived.
      const listed = members.size <= MAX_LISTED_MEMBERS ? [...members.keys()] : undefined
      const invited = [session.me.bare, ...others]
      for (let i = 0; i < invited.length; i += INVITATIONS_PER_BARRIER) {
        for (const bare of invited.slice(i, i + INVITATIONS_PER_BARRIER)) await session.send(roomInvitation(this.ctx.newID(), bare, jid, listed))
        // The server handles a stream in order: once this is answered, the invitations before it
        // are stored. Waiting keeps its backlog short: the client's stream management drops a
        // connection whose server says nothing for 60 s, and storing thousands takes longer.
        await session.request(xml('iq', { type: 'get', to: jid }, xml('query', { xmlns: NS_DISCO_INFO })))
      }
    } catch (error) {
      registry.remove(room, 'left')
      throw toTransportError(error, { conflict: 'GroupExists', gone: 'GroupExists' }, `creating ${groupID}`)
    }
  }

  async join(groupID: string): Promise<void> {
    const { session, registry } = this.ctx
    const jid = this.roomJid(groupID)
    if (registry.get(jid)?.joined === true) return
    if (!(await this.exists(jid))) throw new TransportError('NoSuchGroup', `no group ${groupID}`)
    const room = registry.add(jid, groupID, this.ctx.nick)
    try {
      let outcome = await this.enter(room)
      const registering = !outcome.ok && outcome.condition === 'registration-required'
      if (registering) {
        // Registering with a members-only room is how a user makes itself a member (XEP-0045 §7.10).
        const form = submitForm('http://jabber.org/protocol/muc#register', { 'muc#register_roomnick': session.me.local })
        await session.iq(xml('iq', { type: 'set', to: jid }, xml('query', { xmlns: NS_REGISTER }, form)))
        outcome = await this.enter(room)
      }
      if (!outcome.ok) throw new IqError(outcome.condition)
      const members = await this.readMembers(jid)
      // The list from before this user registered, so that its own arrival is announced like anyone's.
      const before = registering ? withoutUser(members, session.me.bare) : members
      if (!room.baseline) registry.setMembers(room, before, this.ctx.toUserID)
      registry.setMembers(room, members, this.ctx.toUserID)
      if (registering) await session.send(roomInvitation(this.ctx.newID(), session.me.bare, jid, before.size <= MAX_LISTED_MEMBERS ? [...before.keys()] : undefined))
    } catch (error) {
      registry.remove(room, 'left')
      throw toTransportError(error, { ...GONE, forbidden: 'Rejected', 'registration-required': 'Rejected' }, `joining ${groupID}`)
    }
  }

  async quit(groupID: string): Promise<void> {
    const { session, registry } = this.ctx
    const jid = this.roomJid(groupID)
    const room = registry.get(jid)
    // A member's device may not have joined the room yet (its invitation still on the way), or be
    // joining it right now (the room known, its members not read yet): then the server says.
    const affiliation = room?.baseline === true ? room.members.get(session.me.bare) : await this.#myAffiliation(jid, groupID)
    if (affiliation === undefined) throw new TransportError('NotMember', `not a member of ${groupID}`)
    try {
      if (affiliation === 'owner') {
        const item = xml('item', { affiliation: 'none', jid: session.me.bare })
        await session.iq(xml('iq', { type: 'set', to: jid }, xml('query', { xmlns: NS_MUC_ADMIN }, item)))
      } else {
        await session.iq(xml('iq', { type: 'set', to: jid }, xml('query', { xmlns: NS_REGISTER }, xml('remove'))))
      }
    } catch (error) {
      throw toTransportError(error, { ...GONE, 'registration-required': 'NotMember', 'not-allowed': 'Rejected', conflict: 'Rejected' }, `quitting ${groupID}`)
    }
    if (room === undefined) return
    if (room.joined) await session.send(xml('presence', { to: `${jid}/${room.nick}`, type: 'unavailable' })).catch(() => undefined)
    registry.remove(room, 'left')
  }

  async #myAffiliation(jid: string, groupID: string): Promise<string | undefined> {
    try {
      return (await this.readMembers(jid)).get(this.ctx.session.me.bare)
    } catch (error) {
      throw toTransportError(error, GONE, `quitting ${groupID}`)
    }
  }

  async dismiss(groupID: string): Promise<void> {
    const { session, registry } = this.ctx
    const jid = this.roomJid(groupID)
    try {
      await session.iq(xml('iq', { type: 'set', to: jid }, xml('query', { xmlns: NS_MUC_OWNER }, xml('destroy'))))
    } catch (error) {
      throw toTransportError(error, { ...GONE, forbidden: 'Rejected', 'not-allowed': 'Rejected' }, `dismissing ${groupID}`)
    }
    const room = registry.get(jid)
    if (room !== undefined) registry.remove(room, 'dismissed')
  }

  async members(groupID: string): Promise<string[]> {
    try {
      return [...(await this.readMembers(this.roomJid(groupID))).keys()].map(this.ctx.toUserID)
    } catch (error) {
      throw toTransportError(error, GONE, `listing the members of ${groupID}`)
    }
  }

  /** The room to send a group message to; fails unless this device sits in it. */
  async roomToSend(groupID: string): Promise<Room> {
    const jid = this.roomJid(groupID)
    const room = this.ctx.registry.get(jid)
    if (room?.joined === true) return room
    if (room === undefined && !(await this.exists(jid))) throw new TransportError('NoSuchGroup', `no group ${groupID}`)
    throw new TransportError('NotMember', `not a member of ${groupID}`)
  }

  /**
   * Sit in a known room again (after a reconnect) and re-read its members. Returns false, having
   * told the app, when the room is gone or this user is no longer a member.
   */
  async rejoin(room: Room): Promise<boolean> {
    const outcome = await this.enter(room)
    if (!outcome.ok) {
      const gone = outcome.condition === 'item-not-found' || outcome.condition === 'gone'
      if (gone || outcome.condition === 'registration-required' || outcome.condition === 'forbidden') {
        this.ctx.registry.remove(room, gone ? 'dismissed' : 'left')
        return false
      }
      throw new IqError(outcome.condition)
    }
    this.ctx.registry.setMembers(room, await this.readMembers(room.jid), this.ctx.toUserID)
    return true
  }

  /** Send a join presence and wait for the room's answer. */
  async enter(room: Room): Promise<Awaited<ReturnType<RoomRegistry['expectJoin']>>> {
    const outcome = this.ctx.registry.expectJoin(room)
    const timer = setTimeout(() => this.ctx.registry.cancelJoin(room, 'remote-server-timeout'), this.ctx.joinTimeoutMs)
    try {
      await this.ctx.session.send(joinPresence(`${room.jid}/${room.nick}`))
      return await outcome
    } catch (error) {
      this.ctx.registry.cancelJoin(room, 'remote-server-timeout')
      throw error
    } finally {
      clearTimeout(timer)
    }
  }

  /** The room's members by bare JID, with their affiliation. */
  async readMembers(roomJid: string): Promise<Map<string, string>> {
    const members = new Map<string, string>()
    const lists = await Promise.all(
      (['owner', 'admin', 'member'] as const).map(async (affiliation) => {
        const query = xml('query', { xmlns: NS_MUC_ADMIN }, xml('item', { affiliation }))
        // No timer: a room of thousands answers with a long list, and a busy server takes its time.
        const answer = await this.ctx.session.request(xml('iq', { type: 'get', to: roomJid }, query))
        return { affiliation, items: answer.getChild('query', NS_MUC_ADMIN)?.getChildren('item') ?? [] }
      }),
    )
    for (const { affiliation, items } of lists) for (const item of items) addMember(members, item, affiliation)
    return members
  }
}

const withoutUser = (members: ReadonlyMap<string, string>, bare: string): Map<string, string> => new Map([...members].filter(([jid]) => jid !== bare))

const addMember = (members: Map<string, string>, item: Element, affiliation: string): void => {
  const jid = parseAddress(item.attrs['jid'])?.bare
  if (jid !== undefined && !members.has(jid)) members.set(jid, affiliation)
}
