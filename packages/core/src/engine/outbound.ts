/**
 * Messages this party sends: the envelope of each action (SPEC §4), who it goes to (SPEC §3 "Who
 * sees what"), and the bookkeeping that ties the IM's answer back to the command.
 *
 * @module
 */
import { ActionType, type Envelope } from '../wire/envelope.js'
import type { Conversation, SendOptions } from '../ports.js'
import { answersToInviter } from './audience.js'
import type { Effect } from './io.js'
import type { Decision } from '../machine/inviteeMachine.js'
import { groupOf, inviteesOf, isOnlineOnly, type EngineState, type InFlight, type Invitation } from './state.js'

/**
 * Follow-ups of a group invitation go to the group, except answers when its audience is the
 * inviter (`audience.ts`); 1:1 answers go to the inviter, the rest to the invitee.
 */
export const followUpTarget = (invitation: Invitation, actionType: ActionType, sender: string): Conversation => {
  const groupID = groupOf(invitation)
  if (groupID !== '' && !answersToInviter(invitation, actionType, sender)) return { kind: 'group', groupID }
  const fromInviter = sender === invitation.inviter
  if (actionType === ActionType.accept || actionType === ActionType.reject || !fromInviter) {
    return { kind: 'user', userID: invitation.inviter }
  }
  return { kind: 'user', userID: inviteesOf(invitation)[0]! }
}

/** The envelope of a follow-up action on `invitation`; it inherits timeout and `onlineUserOnly`. */
export const followUpEnvelope = (
  invitation: Invitation,
  actionType: ActionType,
  inviteeList: readonly string[],
  data: string,
  actionID: string,
): Envelope => ({
  businessID: 1,
  inviteID: invitation.inviteID,
  groupID: groupOf(invitation),
  inviter: invitation.inviter,
  inviteeList,
  data,
  timeout: invitation.timeout,
  actionType,
  onlineUserOnly: isOnlineOnly(invitation),
  beckon: { actionID },
})

const online: SendOptions = Object.freeze({ onlineUserOnly: true })
const stored: SendOptions = Object.freeze({ onlineUserOnly: false })

/**
 * The options of a send without push info: one shared, frozen object for each value (nothing
 * changes a send's options), rather than one more object per send.
 */
export const sendOptions = (onlineUserOnly: boolean): SendOptions => (onlineUserOnly ? online : stored)

/** The action id of an envelope this engine built (every one carries beckon's extension). */
export const actionIDOf = (envelope: Envelope): string => envelope.beckon?.actionID ?? ''

/**
 * What a send in flight starts with: no fact has lost to its own yet. Shared and frozen, so the
 * first fact to lose (`rememberOverruled`) gives the entry a table of its own: an empty object per
 * send was one of a 1:1 step's few allocations that nothing ever read. It is told apart by being
 * empty, not by identity, as `nothingYet` is (a `structuredClone` of a state shares one copy).
 */
export const noneOverruled: Record<string, Decision[]> = Object.freeze({}) as Record<string, Decision[]>

/**
 * Sends `tracked.envelope`, remembering it until the IM answers; the send's id is the action id.
 * The caller builds the whole entry (`overruled` is {@link noneOverruled}): a partial entry
 * copied here field by field was a second object per send.
 */
export const sendTracked = (state: EngineState, tracked: InFlight, effects: Effect[]): void => {
  const sendID = actionIDOf(tracked.envelope)
  state.inFlight.set(sendID, tracked)
  state.revision++
  effects.push(sendEffect(sendID, tracked))
}

/**
 * A timeout the engine sends on its own (the invitee's, or the sending inviter's `+ 5 s`). It
 * settles no promise; if the IM refuses it, it waits in the outbox for the next connection.
 */
export const sendOwnTimeout = (
  state: EngineState,
  invitation: Invitation,
  inviteeList: readonly string[],
  actionID: string,
  now: number,
  effects: Effect[],
): void => {
  const envelope = followUpEnvelope(invitation, ActionType.timeout, inviteeList, invitation.data, actionID)
  sendTracked(
    state,
    {
      commandID: '',
      origin: 'engine',
      to: followUpTarget(invitation, ActionType.timeout, state.config.userID),
      envelope,
      options: sendOptions(isOnlineOnly(invitation)),
      decided: [],
      issuedAt: now,
      overruled: noneOverruled,
    },
    effects,
  )
}

/** The effect that (re)sends a tracked message. */
export const sendEffect = (sendID: string, entry: InFlight): Effect =>
  entry.replaces === undefined
    ? { type: 'send', sendID, to: entry.to, envelope: entry.envelope, options: entry.options }
    : { type: 'replace', sendID, to: entry.to, messageID: entry.replaces, envelope: entry.envelope }
