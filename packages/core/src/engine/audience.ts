/**
 * The audience of a group invitation's answers (a beckon extension, SPEC §8). By default every
 * answer goes to the group, as Tencent does, so each member's device handles every answer: in a
 * room of N members answered by all, N² deliveries. With `audience: 'inviter'` (carried on the
 * invite, so every party knows it) an invitee's accept, reject and own timeout go 1:1 to the
 * inviter's user instead — the inviter's devices get it, the answerer's other devices get it as
 * carbons — and the room costs N. The inviter's cancel and timeout still go to the group.
 *
 * Such an answer arrives in a 1:1 conversation while naming a group: it is let through only as
 * that, and applied only if the invitation says audience `'inviter'` (checked again when a held
 * answer is released, since its invitation was unknown when it arrived).
 *
 * @module
 */
import type { IncomingMessage } from '../ports.js'
import { ActionType, type Envelope } from '../wire/envelope.js'
import { audienceOf, groupOf, type EngineState, type Invitation } from './state.js'

/** Whether this party sends `actionType` on `invitation` 1:1 to the inviter instead of to the group. */
export const answersToInviter = (invitation: Invitation, actionType: ActionType, sender: string): boolean =>
  audienceOf(invitation) === 'inviter' &&
  sender !== invitation.inviter &&
  (actionType === ActionType.accept || actionType === ActionType.reject || actionType === ActionType.timeout)

/**
 * Could this 1:1 message be an invitee's answer about a group invitation with audience
 * `'inviter'`, as this party would receive one? The inviter gets it from the answerer; the
 * answerer's other devices get it as a carbon addressed to the inviter.
 */
export const mayBePrivateAnswer = (state: EngineState, message: IncomingMessage, envelope: Envelope): boolean => {
  const { conversation, sender } = message
  if (conversation.kind !== 'user' || envelope.groupID === '' || sender === envelope.inviter) return false
  const { actionType } = envelope
  if (actionType !== ActionType.accept && actionType !== ActionType.reject && actionType !== ActionType.timeout) return false
  const me = state.config.userID
  return me === envelope.inviter ? conversation.userID === sender : sender === me && conversation.userID === envelope.inviter
}

/** A 1:1 answer about a group invitation that does not send its answers to the inviter alone. */
export const misdirected = (invitation: Invitation, message: IncomingMessage): boolean =>
  groupOf(invitation) !== '' && message.conversation.kind === 'user' && audienceOf(invitation) !== 'inviter'
