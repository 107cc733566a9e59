/**
 * What a device knows about the MUC rooms it sits in: who is behind each occupant (rooms are
 * non-anonymous, so presences carry real JIDs), who is a member, and which membership changes to
 * announce. Group messages are attributed here: the sender is the real user behind the occupant,
 * and a message from an occupant that is not a member is dropped.
 *
 * @module
 */
import type { Element } from '@xmpp/client'
import type { MembershipEvent } from '@beckon/core'
import { readMucUser, type SignalStanza } from './decode.js'
import type { Address } from './jid.js'

const MEMBER_AFFILIATIONS = new Set(['owner', 'admin', 'member'])

/** Does this affiliation make a user a member of the group? */
export const isMemberAffiliation = (affiliation: string | undefined): boolean => affiliation !== undefined && MEMBER_AFFILIATIONS.has(affiliation)

/** One room this device belongs to. */
export interface Room {
  readonly jid: string
  readonly groupID: string
  /** This device's nickname: `user/device`, unique per device, so the room tells devices apart. */
  readonly nick: string
  joined: boolean
  /** Affiliations by bare JID; `baseline` once read from the server, so changes can be announced. */
  readonly members: Map<string, string>
  baseline: boolean
  /** Real JIDs behind the occupants present, by nickname. */
  readonly occupants: Map<string, Address>
}

/** The result of a self-presence while joining: the room's status codes (201: just created). */
export type JoinOutcome = { readonly ok: true; readonly statuses: ReadonlySet<string> } | { readonly ok: false; readonly condition: string }

/** Who sent a group message, once authenticated. */
export interface GroupSender {
  readonly userBare: string
  readonly device: string
  /** Sent by this very device (its own nickname, and for an archived copy, the archive agrees). */
  readonly own: boolean
}

/** Told when the registry gains or loses a room (so the device's place keeps its room list). */
export interface RoomObserver {
  added(room: Room): void
  removed(room: Room): void
}

const unobserved: RoomObserver = { added: () => undefined, removed: () => undefined }

export class RoomRegistry {
  readonly #rooms = new Map<string, Room>()
  readonly #pendingJoins = new Map<string, (outcome: JoinOutcome) => void>()

  constructor(
    private readonly me: Address,
    private readonly myUserID: string,
    private readonly emit: (event: MembershipEvent) => void,
    private readonly observer: RoomObserver = unobserved,
  ) {}

  get(roomJid: string): Room | undefined {
    return this.#rooms.get(roomJid)
  }

  all(): Room[] {
    return [...this.#rooms.values()]
  }

  add(roomJid: string, groupID: string, nick: string): Room {
    const existing = this.#rooms.get(roomJid)
    if (existing !== undefined) return existing
    const room: Room = { jid: roomJid, groupID, nick, joined: false, members: new Map(), baseline: false, occupants: new Map() }
    this.#rooms.set(roomJid, room)
    this.observer.added(room)
    return room
  }

  /** Forget a room, announcing why to the app (once: a forgotten room is unknown afterwards). */
  remove(room: Room, why: 'left' | 'dismissed'): void {
    if (this.#rooms.get(room.jid) !== room) return
    this.#rooms.delete(room.jid)
    this.observer.removed(room)
    if (why === 'dismissed') this.emit({ type: 'groupDismissed', groupID: room.groupID })
    else if (room.baseline && isMemberAffiliation(room.members.get(this.me.bare))) this.emit({ type: 'memberLeft', groupID: room.groupID, userID: this.myUserID })
  }

  /**
   * Forget a room this device failed to adopt, silently: the app was told nothing about it yet,
   * and the next catch-up adopts it again from its invitation.
   */
  discard(room: Room): void {
    if (this.#rooms.get(room.jid) !== room) return
    this.#rooms.delete(room.jid)
    this.#pendingJoins.delete(room.jid)
    this.observer.removed(room)
  }

  /** The connection dropped: the server no longer counts this device as an occupant anywhere. */
  markAllLeft(): void {
    for (const room of this.#rooms.values()) {
      room.joined = false
      room.occupants.clear()
    }
  }

  /** Wait for the outcome of a join presence just sent. */
  expectJoin(room: Room): Promise<JoinOutcome> {
    return new Promise((resolve) => this.#pendingJoins.set(room.jid, resolve))
  }

  cancelJoin(room: Room, condition: string): void {
    this.#pendingJoins.get(room.jid)?.({ ok: false, condition })
    this.#pendingJoins.delete(room.jid)
  }

  /** Record an affiliation; announce the change once the room's member list is known. */
  setAffiliation(room: Room, userBare: string, affiliation: string, toUserID: (bare: string) => string): void {
    const before = isMemberAffiliation(room.members.get(userBare))
    const after = isMemberAffiliation(affiliation)
    if (after) room.members.set(userBare, affiliation)
    else room.members.delete(userBare)
    if (!room.baseline || before === after) return
    this.emit({ type: after ? 'memberJoined' : 'memberLeft', groupID: room.groupID, userID: toUserID(userBare) })
  }

  /** Replace the member list with the server's; announce what changed while this device was away. */
  setMembers(room: Room, members: ReadonlyMap<string, string>, toUserID: (bare: string) => string): void {
    if (!room.baseline) {
      room.members.clear()
      for (const [bare, affiliation] of members) room.members.set(bare, affiliation)
      room.baseline = true
      return
    }
    for (const bare of [...room.members.keys()]) if (!members.has(bare)) this.setAffiliation(room, bare, 'none', toUserID)
    for (const [bare, affiliation] of members) this.setAffiliation(room, bare, affiliation, toUserID)
  }

  /**
   * A presence from a room: track occupants and affiliations, finish a pending join, notice being
   * removed or the room's destruction. Returns the room whose membership this device lost, if any.
   */
  handlePresence(presence: Element, from: Address, toUserID: (bare: string) => string): { lost?: Room; dismissed?: Room } {
    const room = this.#rooms.get(from.bare)
    if (room === undefined) return {}
    const nick = from.resource
    const type = presence.attrs['type']
    const muc = readMucUser(presence)
    const self = nick === room.nick || muc?.statuses.has('110') === true
    if (type === 'error') {
      if (self) this.cancelJoin(room, presence.getChild('error')?.getChildElements()[0]?.name ?? 'undefined-condition')
      return {}
    }
    if (muc?.jid !== undefined && muc.affiliation !== undefined) this.setAffiliation(room, muc.jid.bare, muc.affiliation, toUserID)
    if (type === 'unavailable') {
      room.occupants.delete(nick)
      if (!self) return {}
      room.joined = false
      if (muc?.destroyed === true) return { dismissed: room }
      const removed = muc !== undefined && (muc.statuses.has('321') || muc.statuses.has('301') || muc.statuses.has('307'))
      return removed && !isMemberAffiliation(muc.affiliation) ? { lost: room } : {}
    }
    if (muc?.jid !== undefined) room.occupants.set(nick, muc.jid)
    if (self) {
      room.joined = true
      this.#pendingJoins.get(room.jid)?.({ ok: true, statuses: muc?.statuses ?? new Set() })
      this.#pendingJoins.delete(room.jid)
    }
    return {}
  }

  /** A message from the room itself (no nick): an affiliation change of a user not in the room. */
  handleAnnouncement(message: Element, room: Room, toUserID: (bare: string) => string): void {
    const muc = readMucUser(message)
    if (muc?.jid !== undefined && muc.affiliation !== undefined) this.setAffiliation(room, muc.jid.bare, muc.affiliation, toUserID)
  }

  /**
   * Who sent a group message; `undefined` to drop it: an unknown occupant, one that is not a
   * member, or a message whose sender the server does not state unambiguously. Only what the
   * server asserts counts, never an element the sender could have written:
   * - live, the occupant's nickname is the server's word, and the real JID behind it comes from
   *   the room's presences. A live groupchat message carries no muc#user item of the server's
   *   (Prosody relays the sender's own elements as they are), so one that has any was written by
   *   its sender to claim an identity: it is dropped, as its archived copy is (below).
   * - archived, the room's archive records the real JID and affiliation of the sender in a
   *   muc#user item it adds *after* the stanza's own children (Prosody's mod_muc_mam
   *   `save_to_history`, for rooms whose real JIDs are public; it strips every muc#user element
   *   when they are not). Exactly one item is that record; two or more mean the sender wrote one
   *   too, and which is the server's is then not said by anything a client cannot forge: dropped.
   *   The nickname is not believed either (it is free to take while its device is offline): a
   *   message is this device's own only if the record names this user and the nick is its own.
   *   ejabberd's archive (mod_mam for rooms with real JIDs public) puts its record *before* the
   *   stanza's children and states the sender's JID without an affiliation: the sender must then
   *   be a member of the room as this device knows it now.
   */
  senderOf(room: Room, signal: SignalStanza, archived: boolean): GroupSender | undefined {
    const nick = signal.from.resource
    if (archived) return this.#recordedSender(room, signal)
    if (signal.mucItems.length > 0) return undefined
    if (nick === room.nick) return { userBare: this.me.bare, device: this.me.resource, own: true }
    const real = room.occupants.get(nick)
    if (real === undefined || !isMemberAffiliation(room.members.get(real.bare))) return undefined
    return { userBare: real.bare, device: real.resource, own: false }
  }

  #recordedSender(room: Room, signal: SignalStanza): GroupSender | undefined {
    const [record, ...others] = signal.mucItems
    if (record?.jid === undefined || others.length > 0) return undefined
    if (!isMemberAffiliation(record.affiliation ?? room.members.get(record.jid.bare))) return undefined
    const nick = signal.from.resource
    if (record.jid.bare === this.me.bare && nick === room.nick) return { userBare: this.me.bare, device: this.me.resource, own: true }
    const prefix = `${record.jid.local}/`
    return { userBare: record.jid.bare, device: nick.startsWith(prefix) ? nick.slice(prefix.length) : '', own: false }
  }
}
