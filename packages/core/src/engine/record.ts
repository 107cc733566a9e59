/**
 * The invitation record: the one place that lays out an {@link Invitation}, fresh or restored, so
 * that every record has the same fields in the same order (one hidden class on the hot paths).
 *
 * (Keeping fields that most invitations never change, such as `dataVersion`, on a class's
 * prototype saved 8 bytes a field per invitation, but made the engine's 1:1 lifecycle several
 * times slower in a process that ran many of them: a plain record it is.)
 *
 * @module
 */
import type { Decision } from '../machine/inviteeMachine.js'
import type { Envelope } from '../wire/envelope.js'
import { savedDecisions, savedStates } from './invitees.js'
import type { Notification } from './io.js'
import {
  audienceOf,
  extrasFor,
  extrasOf,
  isOnlineOnly,
  isPresented,
  isProvisional,
  ONLINE_ONLY,
  pendingCountOf,
  PRESENTED,
  PROVISIONAL,
  SENT_HERE,
  sentHere,
  TO_INVITER,
  type DataVersion,
  type EngineState,
  type Invitation,
} from './state.js'

export interface NewInvitation extends InvitationFlags {
  readonly envelope: Envelope
  readonly takenAt: number
  readonly inviteMessageID: string
}

/** The three booleans an invitation keeps as bits of `flags`, as given or as saved. */
export interface InvitationFlags {
  readonly sentHere: boolean
  readonly presented: boolean
  readonly provisional: boolean
}

/** What the invite said of itself that `flags` keeps: as the envelope or a snapshot gives it. */
export interface InviteFlags {
  readonly onlineUserOnly: boolean
  /** Absent: answers go to the group. */
  readonly audience?: 'inviter' | 'all' | undefined
}

/** `flags` of an invitation with these booleans; only a group invitation narrows its audience. */
export const flagsOf = (given: InvitationFlags, invite: InviteFlags, groupID: string): number =>
  (given.sentHere ? SENT_HERE : 0) |
  (given.presented ? PRESENTED : 0) |
  (given.provisional ? PROVISIONAL : 0) |
  (invite.onlineUserOnly ? ONLINE_ONLY : 0) |
  (invite.audience === 'inviter' && groupID !== '' ? TO_INVITER : 0)

/** Server time at which the server took the invite of `invitation` (held by `state`). */
export const takenAtOf = (state: EngineState, invitation: Invitation): number => state.epoch + invitation.taken

/**
 * Farthest a `taken` is kept from the epoch: within the small integers V8 keeps in a field itself
 * (31 bits where pointers are compressed, as in browsers), about twelve days.
 */
const nearEpoch = 2 ** 30 - 1

/**
 * Server time `at` as a `taken` of `state`. When the state holds no invitation, or `at` is far
 * from the epoch (a device up for weeks), the epoch moves to `at` and every `taken` with it: a
 * pass over the invitations about once in twelve days of a busy device. An invitation older than
 * that (open-ended, or restored) keeps a `taken` that is no small integer: it costs a box again,
 * and is read the same.
 */
export const sinceEpoch = (state: EngineState, at: number): number => {
  const since = at - state.epoch
  const held = state.invitations.size
  if (since <= nearEpoch && since >= -nearEpoch && held !== 0) return small(since)
  // A device holding nothing (one 1:1 invitation at a time: each new one) moves the epoch without
  // iterating: an iterator over the empty table was an allocation per invitation.
  if (held !== 0) for (const invitation of state.invitations.values()) invitation.taken = small(invitation.taken + state.epoch - at)
  state.epoch = at
  return 0
}

/**
 * `n`, as a small integer if it is one: V8 makes the difference of two large numbers a boxed
 * number whatever its value, and one box stored in the field makes it keep a box for every
 * invitation. A fraction of a millisecond (a clock that has them) stays as it is.
 */
const small = (n: number): number => ((n | 0) === n ? n | 0 : n)

/**
 * An invitation with every invitee pending, not yet added to `state`, with the extras
 * {@link extrasFor} gives it (a 1:1 invitation's are shared, with their one-invitee list).
 */
export const newInvitation = (state: EngineState, fields: NewInvitation, inviteMessageID = fields.inviteMessageID): Invitation => {
  const { envelope } = fields
  return {
    inviteID: envelope.inviteID,
    inviter: envelope.inviter,
    data: envelope.data,
    timeout: envelope.timeout,
    taken: sinceEpoch(state, fields.takenAt),
    flags: flagsOf(fields, { onlineUserOnly: envelope.onlineUserOnly, audience: envelope.beckon?.audience }, envelope.groupID),
    inviteMessageID,
    extras: extrasFor(state, envelope.groupID, envelope.inviteeList),
  }
}

/**
 * An invitation as a snapshot saves it: `flags` as booleans (`audience` only when narrowed; the
 * shell's timer slot means nothing to another instance), the server time its invite was taken
 * at, and its extras as fields of their own: the shape snapshots have always had.
 */
export type SavedInvitation = Omit<Invitation, 'flags' | 'taken' | 'extras'> &
  InvitationFlags & {
    readonly groupID: string
    readonly invitees: readonly string[]
    readonly pendingCount: number
    readonly endedAt: number | null
    readonly onlineUserOnly: boolean
    readonly audience?: 'inviter' | undefined
    readonly takenAt: number
    readonly dataVersion: DataVersion | null
    readonly deferred: Notification[]
    readonly shownData?: string | undefined
    /** The invitee machine's state index per invitee index; empty while nobody is decided. */
    readonly states: readonly number[]
    /** The winning fact per invitee index, `null` while undecided; empty while nobody is decided. */
    readonly decisions: readonly (Decision | null)[]
  }

/** `invitation` of `state` as a snapshot saves it (keys left `undefined` are left out of its JSON). */
export const savedInvitation = (state: EngineState, invitation: Invitation): SavedInvitation => {
  const { inviteID, inviter, flags: _bits, taken: _sinceEpoch, extras, ...fields } = invitation
  // The keys in the order snapshots have always had them (most were fields of the invitation).
  return {
    inviteID,
    inviter,
    groupID: extras.groupID,
    ...fields,
    invitees: extras.invitees,
    states: savedStates(invitation),
    decisions: savedDecisions(invitation),
    pendingCount: pendingCountOf(invitation),
    endedAt: extras.endedAt,
    onlineUserOnly: isOnlineOnly(invitation),
    audience: audienceOf(invitation) === 'inviter' ? 'inviter' : undefined,
    takenAt: takenAtOf(state, invitation),
    sentHere: sentHere(invitation),
    presented: isPresented(invitation),
    provisional: isProvisional(invitation),
    dataVersion: extras.dataVersion,
    deferred: extras.deferred,
    shownData: extras.shownData,
  }
}

/** What `restore` decides of a saved invitation beside its fields. */
export interface Restored {
  readonly flags: InvitationFlags
  readonly deferred: Notification[]
  readonly shownData: string | undefined
}

/**
 * A saved invitation laid out as a fresh one (same fields, same order: the same hidden class),
 * with its flags, deferred notifications and shown data as `restore` decided (its invitees' states and decisions are entered next, by `restoreInvitees`), to be added to `state`.
 */
export const restoredInvitation = (state: EngineState, saved: SavedInvitation, restored: Restored): Invitation => {
  return {
    inviteID: saved.inviteID,
    inviter: saved.inviter,
    data: saved.data,
    timeout: saved.timeout,
    taken: sinceEpoch(state, saved.takenAt),
    flags: flagsOf(restored.flags, saved, saved.groupID),
    inviteMessageID: saved.inviteMessageID,
    extras: extrasOf(
      state,
      saved.groupID,
      saved.invitees,
      saved.invitees.length - saved.pendingCount,
      saved.endedAt,
      // Snapshots from before modifications were ranked have no `dataVersion`.
      saved.dataVersion ?? null,
      restored.deferred,
      restored.shownData,
    ),
  }
}
