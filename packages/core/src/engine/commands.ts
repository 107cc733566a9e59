/**
 * The app's commands (SPEC §2, §3 "Rules"): each is checked against the state, then sent. Answers
 * and cancels decide their invitees at send time, so an answer that reaches the device later
 * changes nothing there; if the IM refuses the message, that decision is undone.
 *
 * @module
 */
import * as E from '#fp-ts/Either.js'
import { failure, type SignalingFailure } from '../errors.js'
import type { InviteeEvent, InviteeEventType } from '../machine/inviteeMachine.js'
import { ActionType, distinct, maxTimeoutSeconds, type Envelope } from '../wire/envelope.js'
import { sizeProblem } from './envelopeSize.js'
import { applyFact, inviteeIndex, isAnswerable, ownInviteeIndex, pendingInvitees } from './invitees.js'
import type { AddInvitedCommand, AnswerCommand, Effect, InviteCommand } from './io.js'
import { answerDeadline, armTimers, createInvitation, makeRoom, settleActivity } from './lifecycle.js'
import { nextSequence } from './modifications.js'
import { hasOpenEnded } from './openEnded.js'
import { followUpEnvelope, followUpTarget, noneOverruled, sendOptions, sendTracked } from './outbound.js'
import { releaseHeld } from './receive.js'
import { audienceOf, endedAtOf, groupOf, inviteesOf, isOnlineOnly, nothingYet, positionOf, type EngineState, type Invitation } from './state.js'

const settle = (effects: Effect[], commandID: string, result: E.Either<SignalingFailure, string>): void => {
  effects.push({ type: 'settle', commandID, result })
}

const fail = (effects: Effect[], commandID: string, tag: SignalingFailure['_tag'], detail: string): void =>
  settle(effects, commandID, E.left(failure(tag, detail)))

type InviteFields = Pick<Invitation, 'inviteID' | 'inviter' | 'timeout'> & { readonly groupID: string; readonly invitees: readonly string[]; readonly onlineUserOnly: boolean; readonly audience?: 'inviter' | undefined }

const inviteEnvelope = (fields: InviteFields, data: string, actionID: string, seq?: number): Envelope => ({
  businessID: 1,
  inviteID: fields.inviteID,
  groupID: fields.groupID,
  inviter: fields.inviter,
  inviteeList: fields.invitees,
  data,
  timeout: fields.timeout,
  actionType: ActionType.invite,
  onlineUserOnly: fields.onlineUserOnly,
  // The audience travels on the invite (and its modifications), so every party knows where answers go.
  beckon: extensionOf(actionID, seq, fields.audience),
})

/** Keys left out when they have no value (built without spreads, which cost a 1:1 invite a tenth of its step). */
const extensionOf = (actionID: string, seq: number | undefined, audience: 'inviter' | undefined): NonNullable<Envelope['beckon']> => {
  if (seq === undefined) return audience === undefined ? { actionID } : { actionID, audience }
  return audience === undefined ? { actionID, seq } : { actionID, seq, audience }
}

const isId = (s: unknown): s is string => typeof s === 'string' && s.length > 0 && s.length <= 256

// -------------------------------------------------------------------------------------------------
// invite / inviteInGroup
// -------------------------------------------------------------------------------------------------

const checkInvite = (state: EngineState, command: InviteCommand): SignalingFailure | undefined => {
  const { userID, limits } = state.config
  const { inviteeList, groupID, timeout } = command
  if (inviteeList.length === 0 || !inviteeList.every(isId)) return failure('InvalidParameter', 'invitees must be non-empty ids')
  if (positionOf(inviteeList, userID) >= 0) return failure('InvalidParameter', 'the inviter may not invite itself')
  if (!Number.isFinite(timeout) || timeout < 0 || timeout > maxTimeoutSeconds) {
    return failure('InvalidParameter', `timeout must be between 0 and ${maxTimeoutSeconds} seconds`)
  }
  if (typeof command.data !== 'string') return failure('InvalidParameter', 'data must be a string')
  if (groupID !== '' && !isId(groupID)) return failure('InvalidParameter', 'groupID must be a non-empty id')
  if (command.audience !== undefined && command.audience !== 'all' && command.audience !== 'inviter') {
    return failure('InvalidParameter', `audience must be 'all' or 'inviter', got ${JSON.stringify(command.audience)}`)
  }
  if (inviteeList.length > limits.maxInvitees) return failure('LimitExceeded', `more than ${limits.maxInvitees} invitees`)
  if (!state.connected) return failure('Disconnected', 'not connected to the IM')
  if (groupID !== '') {
    const members = new Set(command.members ?? [])
    const outsider = [userID, ...inviteeList].find((id) => !members.has(id))
    if (outsider !== undefined) return failure('NotGroupMember', `${outsider} is not a member of ${groupID}`)
  }
  // Open-ended invitations give way when the IM takes this one (`inviteTaken`): they never fail it.
  if (state.activeCount >= limits.maxActiveInvitations && !hasOpenEnded(state)) return failure('LimitExceeded', 'too many active invitations, none open-ended')
  return undefined
}

export const invite = (state: EngineState, command: InviteCommand, effects: Effect[]): void => {
  const problem = checkInvite(state, command)
  if (problem !== undefined) return settle(effects, command.commandID, E.left(problem))
  const envelope = inviteEnvelope(
    {
      inviteID: command.inviteID,
      groupID: command.groupID,
      inviter: state.config.userID,
      // One invitee: a list of its own without `distinct`'s checks and copy (builtin calls).
      invitees: command.inviteeList.length === 1 ? [command.inviteeList[0]!] : distinct(command.inviteeList),
      timeout: command.timeout,
      onlineUserOnly: command.onlineUserOnly,
      // 1:1 answers reach only the inviter anyway: the option narrows group invitations alone.
      audience: command.audience === 'inviter' && command.groupID !== '' ? 'inviter' : undefined,
    },
    command.data,
    command.actionID,
  )
  const tooLarge = sizeProblem(envelope, state.config.maxPayloadBytes)
  if (tooLarge !== undefined) return settle(effects, command.commandID, E.left(tooLarge))
  const options = command.offlinePushInfo === undefined
    ? sendOptions(command.onlineUserOnly)
    : { onlineUserOnly: command.onlineUserOnly, offlinePushInfo: command.offlinePushInfo }
  const to = command.groupID === '' ? { kind: 'user', userID: envelope.inviteeList[0]! } as const : { kind: 'group', groupID: command.groupID } as const
  // An invite decides nobody at send time: the shared empty list, not an array per invite.
  sendTracked(state, { commandID: command.commandID, origin: 'app', to, envelope, options, decided: nothingYet, issuedAt: command.now, overruled: noneOverruled }, effects)
}

/** The IM took this device's invite: the invitation exists from the server's time on. */
export const inviteTaken = (state: EngineState, envelope: Envelope, messageID: string, serverTime: number, now: number, effects: Effect[]): void => {
  if (state.invitations.has(envelope.inviteID)) return
  makeRoom(state, undefined, now, effects)
  const invitation = createInvitation(
    state,
    { envelope, takenAt: serverTime, provisional: false, inviteMessageID: messageID, sentHere: true, presented: true },
    effects,
  )
  releaseHeld(state, invitation, now, effects)
  settleActivity(state, invitation, now, effects)
  armTimers(state, invitation, effects)
}

// -------------------------------------------------------------------------------------------------
// cancel / accept / reject / modify
// -------------------------------------------------------------------------------------------------

type Answer = AnswerCommand['type']

/** Whom the inviter's cancel or modify acts on (none for modify), or why it may not. */
const targetsOf = (state: EngineState, invitation: Invitation, type: 'command.cancel' | 'command.modify', now: number): string[] | SignalingFailure => {
  const deadline = answerDeadline(state, invitation)
  if (invitation.inviter !== state.config.userID) return failure('NotInviter', 'only the inviter may do this')
  if (endedAtOf(invitation) !== null) return failure('InvitationInvalid', 'the invitation has ended')
  // Past the deadline the invitees' devices have ended their answers: a modification would
  // reach nobody who can still act on it, so it is refused like a cancel.
  if (deadline !== undefined && now >= deadline) return failure('InvitationInvalid', 'the invitation is past its deadline')
  if (type === 'command.modify') {
    if (isOnlineOnly(invitation)) return failure('InvalidParameter', 'an online-only invitation is not stored, so it cannot be modified')
    if (invitation.inviteMessageID === '') return failure('InvitationInvalid', 'the invite message is not known here')
    return []
  }
  return pendingInvitees(invitation)
}

/** This user's position in the invitation if it may answer now (accept or reject), or why not. */
const ownAnswerable = (state: EngineState, invitation: Invitation, now: number): number | SignalingFailure => {
  const i = ownInviteeIndex(state, invitation)
  if (i < 0) return failure('InvitationInvalid', 'this user is not an invitee')
  if (!isAnswerable(invitation, i)) return failure('InvitationInvalid', 'already answered or ended')
  // The invitee's own deadline may be due without its timer having run yet (just reconnected).
  const deadline = answerDeadline(state, invitation)
  if (deadline !== undefined && now >= deadline) return failure('InvitationInvalid', 'the invitation is past its deadline')
  return i
}

/**
 * What each answer sends and the fact it decides. Conditionals, not a table of pairs: destructuring a
 * looked-up pair was a tenth of an accept's step in a CPU profile.
 */
const actionOf = (type: Exclude<Answer, 'command.modify'>): ActionType =>
  type === 'command.accept' ? ActionType.accept : type === 'command.reject' ? ActionType.reject : ActionType.cancel
const factTypeOf = (type: Exclude<Answer, 'command.modify'>): InviteeEventType =>
  type === 'command.accept' ? 'invitee.accepted' : type === 'command.reject' ? 'invitee.rejected' : 'inviter.cancelled'

/**
 * The decided list of an answer by the first invitee, shared: nothing writes a decided list. Not
 * frozen: V8's optimised code reads an element of a frozen array through a generic stub call.
 */
const theFirst: number[] = [0]

export const answer = (state: EngineState, command: AnswerCommand, effects: Effect[]): void => {
  const { commandID, inviteID, data, now } = command
  if (!isId(inviteID) || typeof data !== 'string') return fail(effects, commandID, 'InvalidParameter', 'inviteID and data must be strings')
  if (!state.connected) return fail(effects, commandID, 'Disconnected', 'not connected to the IM')
  const invitation = state.invitations.get(inviteID)
  if (invitation === undefined) return fail(effects, commandID, 'InvitationInvalid', `unknown invitation ${inviteID}`)
  const { type } = command
  if (type === 'command.accept' || type === 'command.reject') {
    // The user's own position is found once and becomes the decided list: no list of ids to map back.
    const i = ownAnswerable(state, invitation, now)
    if (typeof i !== 'number') return settle(effects, commandID, E.left(i))
    // A 1:1 invitation's list (shared) is this user alone: the answer lists it as it is,
    // and decides the first invitee, as every 1:1 answer does (a shared list, not an array each).
    const targets = inviteesOf(invitation).length === 1 ? inviteesOf(invitation) : [state.config.userID]
    return decide(state, invitation, command, type, targets, i === 0 ? theFirst : [i], effects)
  }
  const targets = targetsOf(state, invitation, type, now)
  if (!Array.isArray(targets)) return settle(effects, commandID, E.left(targets))
  if (type === 'command.modify') return modify(state, invitation, command, effects)
  if (targets.length === 0) return fail(effects, commandID, 'InvitationInvalid', 'no invitee is pending')
  // Plain loops: `map` with a closure and `for … of` were a third of an accept's step in a CPU profile.
  const decided: number[] = []
  for (let k = 0; k < targets.length; k++) decided.push(inviteeIndex(invitation, targets[k]!))
  decide(state, invitation, command, type, targets, decided, effects)
}

/** Sends an accept, reject or cancel of `targets` (at `decided` in the invitation), deciding them now. */
const decide = (
  state: EngineState,
  invitation: Invitation,
  command: AnswerCommand,
  type: Exclude<Answer, 'command.modify'>,
  targets: readonly string[],
  decided: number[],
  effects: Effect[],
): void => {
  const { commandID, data, actionID, now } = command
  const actionType = actionOf(type)
  const envelope = followUpEnvelope(invitation, actionType, targets, data, actionID)
  const tooLarge = sizeProblem(envelope, state.config.maxPayloadBytes)
  if (tooLarge !== undefined) return settle(effects, commandID, E.left(tooLarge))
  const { userID, deviceID } = state.config
  const fact: InviteeEvent = { type: factTypeOf(type), actionID, data, userID, deviceID }
  for (let k = 0; k < decided.length; k++) applyFact(state, invitation, decided[k]!, fact, true, effects)
  const to = followUpTarget(invitation, actionType, userID)
  sendTracked(state, { commandID, origin: 'app', to, envelope, options: sendOptions(isOnlineOnly(invitation)), decided, issuedAt: now, overruled: noneOverruled }, effects)
  settleActivity(state, invitation, now, effects)
}

const modify = (state: EngineState, invitation: Invitation, command: AnswerCommand, effects: Effect[]): void => {
  // A modification is the invite again, with new data: it replaces the stored invite message. Its
  // sequence number ranks it above every modification this device sent or holds.
  const groupID = groupOf(invitation)
  const fields = { ...invitation, groupID, invitees: inviteesOf(invitation), onlineUserOnly: isOnlineOnly(invitation), audience: audienceOf(invitation) === 'inviter' ? ('inviter' as const) : undefined }
  const envelope = inviteEnvelope(fields, command.data, command.actionID, nextSequence(state, invitation))
  const tooLarge = sizeProblem(envelope, state.config.maxPayloadBytes)
  if (tooLarge !== undefined) return settle(effects, command.commandID, E.left(tooLarge))
  const to = groupID === '' ? { kind: 'user', userID: inviteesOf(invitation)[0]! } as const : { kind: 'group', groupID } as const
  sendTracked(
    state,
    { commandID: command.commandID, origin: 'app', to, envelope, options: sendOptions(false), decided: nothingYet, issuedAt: command.now, overruled: noneOverruled, replaces: invitation.inviteMessageID },
    effects,
  )
}

// -------------------------------------------------------------------------------------------------
// addInvitedSignaling
// -------------------------------------------------------------------------------------------------

/** An invitation learned out of band (a push payload): held like an arrived invite, without ringing. */
export const addInvited = (state: EngineState, command: AddInvitedCommand, effects: Effect[]): void => {
  const { envelope, commandID, now } = command
  if (envelope.actionType !== ActionType.invite) return fail(effects, commandID, 'InvalidParameter', 'the info is not an invite')
  if (envelope.inviteeList.includes(envelope.inviter)) return fail(effects, commandID, 'InvalidParameter', 'the inviter invites itself')
  // As on the receive path: a 1:1 invitation concerns its inviter and its invitee only. Held
  // anywhere else, its timeout would be reported to a user it never asked.
  const { userID } = state.config
  if (envelope.groupID === '' && envelope.inviter !== userID && !envelope.inviteeList.includes(userID)) {
    return fail(effects, commandID, 'InvalidParameter', `a 1:1 invitation from ${envelope.inviter} to ${envelope.inviteeList.join(', ')} does not invite ${userID}`)
  }
  if (state.invitations.has(envelope.inviteID)) return fail(effects, commandID, 'AlreadyExists', 'the invitation is already known')
  if (envelope.inviteeList.length > state.config.limits.maxInvitees) return fail(effects, commandID, 'LimitExceeded', 'too many invitees')
  if (state.activeCount >= state.config.limits.maxActiveInvitations && !hasOpenEnded(state)) return fail(effects, commandID, 'LimitExceeded', 'too many active invitations, none open-ended')
  makeRoom(state, undefined, now, effects)
  const serverTime = command.serverTime ?? now
  const invitation = createInvitation(
    state,
    { envelope, takenAt: serverTime, provisional: command.serverTime === undefined, inviteMessageID: '', sentHere: false, presented: true },
    effects,
  )
  releaseHeld(state, invitation, now, effects)
  settleActivity(state, invitation, now, effects)
  armTimers(state, invitation, effects)
  settle(effects, commandID, E.right(envelope.inviteID))
}
