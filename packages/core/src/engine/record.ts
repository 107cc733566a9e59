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
import type { Envelope } from '../wire/envelope.js'
import { nothingYet, type Invitation } from './state.js'

export interface NewInvitation {
  readonly envelope: Envelope
  readonly takenAt: number
  readonly provisional: boolean
  readonly inviteMessageID: string
  readonly sentHere: boolean
  readonly presented: boolean
}

/**
 * An invitation with every invitee pending, not yet added to any state. The envelope's list is the
 * engine's own (decoded, or copied by `distinct` from the app's) and nothing changes it: shared,
 * not copied, unless `invitees` gives a list shared with other invitations.
 */
export const newInvitation = (fields: NewInvitation, invitees: readonly string[] = fields.envelope.inviteeList, inviteMessageID = fields.inviteMessageID): Invitation => {
  const { envelope } = fields
  const invitation: Invitation = {
    inviteID: envelope.inviteID,
    inviter: envelope.inviter,
    groupID: envelope.groupID,
    data: envelope.data,
    dataVersion: null,
    timeout: envelope.timeout,
    onlineUserOnly: envelope.onlineUserOnly,
    takenAt: fields.takenAt,
    provisional: fields.provisional,
    inviteMessageID,
    sentHere: fields.sentHere,
    presented: fields.presented,
    deferred: nothingYet,
    invitees,
    states: nothingYet,
    decisions: nothingYet,
    pendingCount: invitees.length,
    endedAt: null,
    timerSlot: -1,
  }
  // Only a group invitation has an audience to narrow; the key is left out otherwise.
  return envelope.groupID !== '' && envelope.beckon?.audience === 'inviter' ? { ...invitation, audience: 'inviter' } : invitation
}
