/**
 * Incoming messages: checks that the authenticated sender may say what the envelope says, turns
 * the message into facts about invitees, holds messages that overtook their invite, and creates
 * invitations from arriving invites (SPEC §3).
 *
 * @module
 */
import type { InviteeEvent, InviteeEventType } from '../machine/inviteeMachine.js'
import type { IncomingMessage } from '../ports.js'
import { ActionType, type Envelope } from '../wire/envelope.js'
import { applyFact, decisionOf, inviteeIndex } from './invitees.js'
import type { DiagnosticReason, Effect } from './io.js'
import { armTimers, createInvitation, knownInvitation, makeRoom, notify, present, settleActivity } from './lifecycle.js'
import { sinceEpoch } from './record.js'
import { adoptModification } from './modifications.js'
import { mayBePrivateAnswer, misdirected } from './audience.js'
import { groupOf, inviteesOf, isPresented, isProvisional, positionOf, PROVISIONAL, type DataVersion, type EngineState, type HeldMessage, type Invitation } from './state.js'

// -------------------------------------------------------------------------------------------------
// Helpers
// -------------------------------------------------------------------------------------------------

const report = (effects: Effect[], reason: DiagnosticReason, detail: string, message: IncomingMessage, inviteID?: string): void => {
  const { messageID } = message
  effects.push({
    type: 'diagnostic',
    diagnostic: inviteID === undefined ? { reason, detail, messageID } : { reason, detail, inviteID, messageID },
  })
}

/** beckon messages carry an action id; another client's use its transport message id. */
const actionIDOf = (message: IncomingMessage, envelope: Envelope): string => envelope.beckon?.actionID ?? message.messageID

/** Sent by this very device (an echo of its own message): it already knows, from its promise. */
const isOwn = (state: EngineState, message: IncomingMessage): boolean =>
  message.sender === state.config.userID && message.senderDevice === state.config.deviceID

/**
 * The message as a fact about an invitee. A decided invitee keeps the fact's strings but its
 * sender's id, which the type implies (`invitees.ts`: the invitee, or the inviter): the message's
 * copy of that id dies with the message, with no need to name the sender by the invitation's copy.
 */
const factOf = (type: InviteeEventType, message: IncomingMessage, envelope: Envelope): InviteeEvent => ({
  type,
  actionID: actionIDOf(message, envelope),
  data: envelope.data,
  userID: message.sender,
  deviceID: message.senderDevice,
})

/**
 * The fact of the answer {@link applyAnswer} applies: one object, refilled per answer (it holds
 * the last answer's strings until the next). A fact object per answer was a quarter of what a
 * group member's device allocated per answer (64 of 240 bytes). Nothing keeps it: an answer's
 * decision is laid out flat (its user is the invitee it names, which the type implies:
 * `invitees.ts`), and where a fact is kept as it is, a copy is kept (a fact that lost to this
 * device's command in flight, {@link rememberOverruled}; a trace effect's, `applyFact`).
 */
const answerFact: { -readonly [K in keyof InviteeEvent]: InviteeEvent[K] } = { type: 'invitee.accepted', actionID: '', data: '', userID: '', deviceID: '' }

/** While a command of this device is in flight, remember facts that lost to its optimistic one (a copy of each). */
const rememberOverruled = (state: EngineState, invitation: Invitation, i: number, fact: InviteeEvent): void => {
  const decision = decisionOf(invitation, i)
  if (decision == null || decision.deviceID !== state.config.deviceID || decision.userID !== state.config.userID) return
  const inFlight = state.inFlight.get(decision.actionID)
  if (inFlight === undefined) return
  // Empty: the shared record, or in a structuredClone of a state a copy other entries may share.
  if (Object.keys(inFlight.overruled).length === 0) inFlight.overruled = {}
  ;(inFlight.overruled[i] ??= []).push({ ...fact })
  state.revision++
}

// -------------------------------------------------------------------------------------------------
// Facts from follow-up messages
// -------------------------------------------------------------------------------------------------

/**
 * Whether a follow-up cannot be about `invitation` as it came: a 1:1 answer to a group whose
 * answers go to the group, or an envelope naming another inviter. Reports which, if so.
 */
const wrongSource = (invitation: Invitation, message: IncomingMessage, envelope: Envelope, effects: Effect[]): boolean => {
  const { inviteID } = invitation
  if (misdirected(invitation, message)) report(effects, 'conversation-mismatch', 'a 1:1 answer about a group invitation whose answers go to the group', message, inviteID)
  else if (envelope.inviter !== invitation.inviter) report(effects, 'forged-sender', 'envelope names another inviter', message, inviteID)
  else return false
  return true
}

/**
 * Applies a cancel, accept, reject or timeout to a known invitation. The inviter's cancel and
 * timeout decide every invitee they list; an answer decides its sender, who must be listed alone.
 */
export const applyFollowUp = (
  state: EngineState,
  invitation: Invitation,
  message: IncomingMessage,
  envelope: Envelope,
  now: number,
  effects: Effect[],
): void => {
  const { inviteID } = invitation
  if (wrongSource(invitation, message, envelope, effects)) return
  const fromInviter = message.sender === invitation.inviter
  const type = factType(envelope.actionType, fromInviter)
  if (type === undefined) return report(effects, 'forged-sender', `${message.sender} may not send action ${envelope.actionType}`, message, inviteID)
  let fact: InviteeEvent | undefined
  const silent = isOwn(state, message)
  // Most lists are one answer, whose notification names its invitee and no list: a second
  // reported invitee is the first that needs an array.
  let first: string | undefined
  let more: string[] | undefined
  let changed = 0
  let duplicates = 0
  const list = envelope.inviteeList
  for (let k = 0; k < list.length; k++) {
    const invitee = list[k]!
    const i = inviteeIndex(invitation, invitee)
    if (i < 0) {
      report(effects, 'not-invitee', `${invitee} is not an invitee`, message, inviteID)
      continue
    }
    fact ??= factOf(type, message, envelope)
    const applied = applyFact(state, invitation, i, fact, silent, effects)
    if (applied.kind === 'changed') {
      changed++
      if (applied.reported) {
        if (first === undefined) first = invitee
        else if (more === undefined) more = [first, invitee]
        else more.push(invitee)
      }
    } else if (applied.kind === 'duplicate') duplicates++
    else if (applied.kind === 'outranked') rememberOverruled(state, invitation, i, fact)
  }
  if (first !== undefined) notify(invitation, notificationOf(invitation, type, envelope.data, first, more), effects)
  if (changed === 0) report(effects, duplicates > 0 ? 'duplicate' : 'outranked', 'changes nothing here', message, inviteID)
  settleActivity(state, invitation, now, effects)
}

/**
 * {@link applyFollowUp} for the message a member's device gets most: an invitee's answer, which
 * lists its sender alone (`receive` checked that). One invitee, one fact, at most one
 * notification: none of the list handling a cancel or a timeout of several invitees needs.
 */
const applyAnswer = (
  state: EngineState,
  invitation: Invitation,
  message: IncomingMessage,
  envelope: Envelope,
  type: InviteeEventType,
  now: number,
  effects: Effect[],
): void => {
  const { inviteID } = invitation
  if (wrongSource(invitation, message, envelope, effects)) return
  const invitee = message.sender
  const i = inviteeIndex(invitation, invitee)
  if (i < 0) {
    report(effects, 'not-invitee', `${invitee} is not an invitee`, message, inviteID)
    report(effects, 'outranked', 'changes nothing here', message, inviteID)
    return settleActivity(state, invitation, now, effects)
  }
  const fact = answerFact
  fact.type = type
  fact.actionID = actionIDOf(message, envelope)
  fact.data = envelope.data
  // The invitation's copy of the sender's id (equal to it), which storing the decision compares with itself.
  fact.userID = inviteesOf(invitation)[i]!
  fact.deviceID = message.senderDevice
  const applied = applyFact(state, invitation, i, fact, isOwn(state, message), effects)
  if (applied.kind === 'changed') {
    if (applied.reported) notify(invitation, notificationOf(invitation, type, envelope.data, invitee, undefined), effects)
  } else {
    if (applied.kind === 'outranked') rememberOverruled(state, invitation, i, fact)
    report(effects, applied.kind, 'changes nothing here', message, inviteID)
  }
  settleActivity(state, invitation, now, effects)
}

/**
 * A 1:1 message concerns this user only if it is the inviter or listed. Checked, like the sender's
 * role, before a message is held, so a message that could never apply takes no room.
 */
const notAddressed = (state: EngineState, envelope: Envelope): boolean => {
  const me = state.config.userID
  return envelope.groupID === '' && envelope.inviter !== me && positionOf(envelope.inviteeList, me) < 0
}

const factType = (actionType: ActionType, fromInviter: boolean): InviteeEventType | undefined => {
  switch (actionType) {
    case ActionType.cancel:
      return fromInviter ? 'inviter.cancelled' : undefined
    case ActionType.timeout:
      return fromInviter ? 'inviter.timedOut' : 'invitee.timedOut'
    case ActionType.accept:
      return fromInviter ? undefined : 'invitee.accepted'
    case ActionType.reject:
      return fromInviter ? undefined : 'invitee.rejected'
    default:
      return undefined
  }
}

/** What the app hears of invitees `first` and `more` (all of them, `first` included, if several). */
const notificationOf = (invitation: Invitation, type: InviteeEventType, data: string, first: string, more: readonly string[] | undefined) => {
  const { inviteID } = invitation
  switch (type) {
    case 'inviter.cancelled':
      return { type: 'onInvitationCancelled', inviteID, inviter: invitation.inviter, data, inviteeList: more ?? [first] } as const
    case 'invitee.accepted':
      return { type: 'onInviteeAccepted', inviteID, invitee: first, data } as const
    case 'invitee.rejected':
      return { type: 'onInviteeRejected', inviteID, invitee: first, data } as const
    default:
      return { type: 'onInvitationTimeout', inviteID, inviteeList: more ?? [first] } as const
  }
}

/**
 * A modification may change the data only: inviter, group and timeout stay the invite's. It may
 * list a subset of the invitees — Tencent's Web SDK lists only those still pending in the
 * modifier's record — but never one the invite did not list.
 */
const sameInvitation = (invitation: Invitation, envelope: Envelope): boolean =>
  envelope.inviter === invitation.inviter &&
  envelope.groupID === groupOf(invitation) &&
  envelope.timeout === invitation.timeout &&
  envelope.inviteeList.length <= inviteesOf(invitation).length &&
  envelope.inviteeList.every((invitee) => inviteeIndex(invitation, invitee) >= 0)

/** A modify replaces the invite's data; the latest by server time, then sequence, then action id wins (`modifications.ts`). */
export const applyModify = (
  state: EngineState,
  invitation: Invitation,
  message: IncomingMessage,
  envelope: Envelope,
  effects: Effect[],
): void => {
  if (message.sender !== invitation.inviter) return report(effects, 'forged-sender', 'only the inviter modifies', message, invitation.inviteID)
  if (!sameInvitation(invitation, envelope)) return report(effects, 'forged-sender', 'the modification describes another invitation', message, invitation.inviteID)
  const version: DataVersion = [message.serverTime, actionIDOf(message, envelope), envelope.beckon?.seq ?? 0]
  const current = invitation.extras.dataVersion
  if (!adoptModification(invitation, version, envelope.data)) {
    return report(effects, current?.[1] === version[1] ? 'duplicate' : 'outranked', 'not newer', message, invitation.inviteID)
  }
  state.revision++
  // The same modification sent again (after a restore) ranks by its new server time, but its
  // data is no news. The app learns of its own call from the promise; a modification of this
  // device that settles none (sent again after a restore, or by an earlier run) is news like
  // anyone else's. Before the ring decision the app is not told yet: the ring carries the new
  // data, or `present` reports it.
  const again = current?.[1] === version[1]
  const settlesAPromise = isOwn(state, message) && state.inFlight.get(version[1])?.origin === 'app'
  if (!again && !settlesAPromise && isPresented(invitation)) {
    notify(invitation, { type: 'onInvitationModified', inviteID: invitation.inviteID, data: envelope.data }, effects)
  }
}

/** About an unknown invitation, and no newer than one of its inviter's that was forgotten early. */
const isForgotten = (state: EngineState, message: IncomingMessage, envelope: Envelope): boolean =>
  // Only a flood of tombstones leaves marks: the size, not a probe, answers for every other device.
  state.forgottenUpTo.size > 0 && message.serverTime <= (state.forgottenUpTo.get(envelope.inviter) ?? Number.NEGATIVE_INFINITY)

const forgottenDetail = 'possibly a late copy about an invitation forgotten early (past maxEndedInvitations)'

// -------------------------------------------------------------------------------------------------
// Held messages
// -------------------------------------------------------------------------------------------------

const hold = (state: EngineState, message: IncomingMessage, envelope: Envelope, effects: Effect[]): void => {
  const { inviteID } = envelope
  const held = state.held.get(inviteID)
  // A copy of a message already held is no news, even when the cap is reached.
  if (held !== undefined && isHeld(state, held, inviteID, message, envelope)) return report(effects, 'duplicate', 'already held', message, inviteID)
  if (state.heldCount >= state.config.limits.maxHeldMessages) {
    return report(effects, 'limit-held', 'too many messages held for unknown invitations', message, inviteID)
  }
  if (held === undefined) {
    state.held.set(inviteID, [{ message, envelope }])
    const at = message.serverTime + state.config.limits.retentionMs
    effects.push({ type: 'timer.set', key: inviteID, at, deadline: false })
  } else {
    held.push({ message, envelope })
    state.heldKeys.get(inviteID)?.add(heldKey(message, envelope))
  }
  state.heldCount++
  state.revision++
  report(effects, 'held', 'its invitation is not known yet', message, inviteID)
}

/** What tells held messages apart: their sender and action id (the sender's length first, so no two pairs read alike). */
const heldKey = (message: IncomingMessage, envelope: Envelope): string => `${message.sender.length}:${message.sender}${actionIDOf(message, envelope)}`

/**
 * Whether a message from the same sender with the same action id is held for `inviteID` already.
 * The pairs held are kept in a set from the second message on (made from the list, also after a
 * restore): scanning the list made a group invite overtaken by its answers quadratic (10,000
 * answers held at a member's device: 0.34 s).
 */
const isHeld = (state: EngineState, held: readonly HeldMessage[], inviteID: string, message: IncomingMessage, envelope: Envelope): boolean => {
  let keys = state.heldKeys.get(inviteID)
  if (keys === undefined) {
    keys = new Set(held.map((h) => heldKey(h.message, h.envelope)))
    state.heldKeys.set(inviteID, keys)
  }
  return keys.has(heldKey(message, envelope))
}

/** Applies, in arrival order, what was held for a new invitation. */
export const releaseHeld = (state: EngineState, invitation: Invitation, now: number, effects: Effect[]): void => {
  // Nothing held anywhere (a new invitation's usual case): no probe of the table by its fresh id.
  if (state.heldCount === 0) return
  const held = state.held.get(invitation.inviteID)
  if (held === undefined) return
  state.held.delete(invitation.inviteID)
  state.heldKeys.delete(invitation.inviteID)
  state.heldCount -= held.length
  state.revision++
  effects.push({ type: 'timer.clear', key: invitation.inviteID })
  for (const { message, envelope } of held) {
    if (envelope.actionType === ActionType.invite) applyModify(state, invitation, message, envelope, effects)
    else applyFollowUp(state, invitation, message, envelope, now, effects)
  }
}

// -------------------------------------------------------------------------------------------------
// Arriving invites
// -------------------------------------------------------------------------------------------------

const receiveInvite = (state: EngineState, message: IncomingMessage, envelope: Envelope, now: number, effects: Effect[]): void => {
  const { config } = state
  const known = state.invitations.get(envelope.inviteID)
  if (message.sender !== envelope.inviter) return report(effects, 'forged-sender', 'the sender is not the inviter', message)
  if (positionOf(envelope.inviteeList, envelope.inviter) >= 0) return report(effects, 'malformed', 'the inviter invites itself', message)
  if (known !== undefined) return adoptServerTime(state, known, message, envelope, effects)
  const own = isOwn(state, message)
  // This device's own invite: an echo of one in flight (its receipt will create the invitation),
  // or one an earlier run of this device sent (held as sent here, silently).
  if (own && state.inFlight.has(actionIDOf(message, envelope))) return report(effects, 'duplicate', 'an echo of this device’s own invite', message)
  if (envelope.groupID === '' && !message.fromMyOtherDevice && positionOf(envelope.inviteeList, config.userID) < 0) {
    return report(effects, 'not-addressed', 'a 1:1 invite that does not invite this user', message)
  }
  if (isForgotten(state, message, envelope)) return report(effects, 'duplicate', forgottenDetail, message)
  if (envelope.inviteeList.length > config.limits.maxInvitees) return report(effects, 'limit-invitees', 'too many invitees', message)
  // Open-ended invitations give way first; a cap held by invitations with deadlines drops this one.
  const full = makeRoom(state, envelope.inviter, now, effects)
  if (full === 'limit-active') return report(effects, 'limit-active', 'too many active invitations, none open-ended', message)
  if (full === 'limit-inviter') return report(effects, 'limit-inviter', `too many active invitations from ${envelope.inviter}, none open-ended`, message)
  const invitation = createInvitation(
    state,
    { envelope: withMessageFlags(message, envelope), takenAt: message.serverTime, provisional: false, inviteMessageID: message.messageID, sentHere: own, presented: own },
    effects,
  )
  releaseHeld(state, invitation, now, effects)
  settleActivity(state, invitation, now, effects)
  armTimers(state, invitation, effects)
  present(state, invitation, now, effects)
}

/**
 * An invitation is online-only if its envelope or its message says so: Tencent's Web SDK sets the
 * flag on the message only. Its follow-ups then go online-only too.
 */
const withMessageFlags = (message: IncomingMessage, envelope: Envelope): Envelope =>
  message.onlineUserOnly === true && !envelope.onlineUserOnly ? { ...envelope, onlineUserOnly: true } : envelope

/**
 * The real invite of an invitation inserted from a push: its server time replaces the guess. Only
 * the inviter the invitation names confirms it, and only with the same invitation: anyone can send
 * an invite reusing an id they saw, and adopting theirs would shift every deadline here and make
 * the real invite a duplicate.
 */
const adoptServerTime = (state: EngineState, invitation: Invitation, message: IncomingMessage, envelope: Envelope, effects: Effect[]): void => {
  if (!isProvisional(invitation)) return report(effects, 'duplicate', 'invite already known', message, invitation.inviteID)
  if (!confirms(invitation, envelope)) {
    return report(effects, 'forged-sender', 'an invite that is not the one held provisionally reuses its id', message, invitation.inviteID)
  }
  invitation.flags &= ~PROVISIONAL
  state.revision++
  invitation.taken = sinceEpoch(state, message.serverTime)
  invitation.inviteMessageID = message.messageID
  armTimers(state, invitation, effects)
}

/**
 * The invite names the same inviter, group, invitees (in any order) and timeout as the invitation:
 * a modification's checks ({@link sameInvitation}), and every invitee listed.
 */
const confirms = (invitation: Invitation, envelope: Envelope): boolean =>
  envelope.inviteeList.length === inviteesOf(invitation).length && sameInvitation(invitation, envelope)

// -------------------------------------------------------------------------------------------------
// Entry
// -------------------------------------------------------------------------------------------------

/** Handles one decoded incoming message. Bad input changes nothing and is reported. */
export const receive = (state: EngineState, message: IncomingMessage, envelope: Envelope, now: number, effects: Effect[]): void => {
  if (now - message.serverTime > state.config.limits.retentionMs) {
    return report(effects, 'expired-message', 'older than the retention period', message, envelope.inviteID)
  }
  const conversation = message.conversation
  const groupID = conversation.kind === 'group' ? conversation.groupID : ''
  if (envelope.groupID !== groupID && !mayBePrivateAnswer(state, message, envelope)) {
    return report(effects, 'conversation-mismatch', 'groupID does not match the conversation', message)
  }
  if (envelope.actionType === ActionType.invite) {
    return message.modified ? receiveModify(state, message, envelope, effects) : receiveInvite(state, message, envelope, now, effects)
  }
  // Only the inviter cancels (and times out a list), and an answer names its sender alone.
  const fromInviter = message.sender === envelope.inviter
  const type = factType(envelope.actionType, fromInviter)
  if (type === undefined) return report(effects, 'forged-sender', `${message.sender} may not send action ${envelope.actionType}`, message, envelope.inviteID)
  const list = envelope.inviteeList
  if (!fromInviter && (list.length !== 1 || list[0] !== message.sender)) {
    return report(effects, 'forged-sender', 'an answer must list its sender alone', message, envelope.inviteID)
  }
  if (notAddressed(state, envelope)) return report(effects, 'not-addressed', 'a 1:1 message about someone else', message, envelope.inviteID)
  const invitation = knownInvitation(state, envelope.inviteID)
  if (invitation === undefined) return holdUnknown(state, message, envelope, effects)
  if (groupOf(invitation) !== envelope.groupID) return report(effects, 'conversation-mismatch', 'another conversation', message)
  if (fromInviter) return applyFollowUp(state, invitation, message, envelope, now, effects)
  applyAnswer(state, invitation, message, envelope, type, now, effects)
}

/** A replaced invite (a modification): only its inviter sends one. */
const receiveModify = (state: EngineState, message: IncomingMessage, envelope: Envelope, effects: Effect[]): void => {
  if (message.sender !== envelope.inviter) return report(effects, 'forged-sender', 'only the inviter modifies', message, envelope.inviteID)
  if (notAddressed(state, envelope)) return report(effects, 'not-addressed', 'a 1:1 message about someone else', message, envelope.inviteID)
  const invitation = knownInvitation(state, envelope.inviteID)
  if (invitation === undefined) return holdUnknown(state, message, envelope, effects)
  if (groupOf(invitation) !== envelope.groupID) return report(effects, 'conversation-mismatch', 'another conversation', message)
  applyModify(state, invitation, message, envelope, effects)
}

/** A message about an invitation not known here waits for its invite, unless it is a late copy. */
const holdUnknown = (state: EngineState, message: IncomingMessage, envelope: Envelope, effects: Effect[]): void => {
  if (isForgotten(state, message, envelope)) return report(effects, 'duplicate', forgottenDetail, message, envelope.inviteID)
  hold(state, message, envelope, effects)
}
