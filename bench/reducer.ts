/**
 * The speed limit: a hand-written reducer for one group invitation, doing the bookkeeping the
 * engine does per answer — the same validation of sender and envelope, the invitee index, one
 * byte of state per invitee, SPEC §3's arbitration (rank, then the smallest action id), the pending
 * count, and one notification object per change — with nothing generic in the way.
 *
 * It exists only here, to tell how far the engine is from what plain code can do. The library
 * must never carry a second transition table like this one (SPEC §7: the machine is the single
 * source of truth); that is exactly what makes it a fair "no abstraction" baseline.
 *
 * @module
 */
import { ActionType, type Effect, type InviteeEvent, type InviteeEventType, type Notification } from '@beckon/core'
import type { ReceivedInput } from './flows.js'

// State codes (one byte each) and arbitration ranks, best first, as in SPEC §3.
const PENDING = 0
const ACCEPTED = 1
const REJECTED = 2
const CANCELLED = 3
const TIMED_OUT = 4
const NO_DECISION = 255

interface Rule {
  readonly type: InviteeEventType
  readonly rank: number
  readonly target: number
}
const byInviter: readonly (Rule | undefined)[] = [
  undefined,
  undefined,
  { type: 'inviter.cancelled', rank: 0, target: CANCELLED },
  undefined,
  undefined,
  { type: 'inviter.timedOut', rank: 1, target: TIMED_OUT },
]
const byInvitee: readonly (Rule | undefined)[] = [
  undefined,
  undefined,
  undefined,
  { type: 'invitee.accepted', rank: 2, target: ACCEPTED },
  { type: 'invitee.rejected', rank: 3, target: REJECTED },
  { type: 'invitee.timedOut', rank: 4, target: TIMED_OUT },
]

/** One group invitation, as compact as plain code makes it. */
export interface ReducerInvitation {
  readonly inviteID: string
  readonly groupID: string
  readonly inviter: string
  readonly invitees: readonly string[]
  /** Built on the first answer, like the engine's derived index. */
  index: Map<string, number> | null
  readonly states: Uint8Array
  readonly ranks: Uint8Array
  readonly decisions: (InviteeEvent | null)[]
  pendingCount: number
  endedAt: number | null
}

export interface ReducerState {
  readonly retentionMs: number
  readonly invitations: Map<string, ReducerInvitation>
}

export const reducerState = (retentionMs: number): ReducerState => ({ retentionMs, invitations: new Map() })

const receiveInvite = (state: ReducerState, input: ReceivedInput): Effect[] => {
  const { envelope } = input
  const n = envelope.inviteeList.length
  const invitation: ReducerInvitation = {
    inviteID: envelope.inviteID,
    groupID: envelope.groupID,
    inviter: envelope.inviter,
    invitees: envelope.inviteeList.slice(),
    index: null,
    states: new Uint8Array(n),
    ranks: new Uint8Array(n).fill(NO_DECISION),
    decisions: new Array<InviteeEvent | null>(n).fill(null),
    pendingCount: n,
    endedAt: null,
  }
  state.invitations.set(invitation.inviteID, invitation)
  const { inviteID, inviter, groupID, invitees } = invitation
  return [{ type: 'notify', notification: { type: 'onReceiveNewInvitation', inviteID, inviter, groupID, inviteeList: invitees, data: envelope.data } }]
}

const indexOf = (invitation: ReducerInvitation, userID: string): number => {
  let index = invitation.index
  if (index === null) {
    index = new Map()
    const { invitees } = invitation
    for (let i = 0; i < invitees.length; i++) index.set(invitees[i]!, i)
    invitation.index = index
  }
  return index.get(userID) ?? -1
}

const dropped = (reason: 'forged-sender' | 'duplicate' | 'outranked' | 'not-invitee', input: ReceivedInput): Effect[] => [
  { type: 'diagnostic', diagnostic: { reason, detail: reason, messageID: input.message.messageID } },
]

/** One answer (accept, reject or timeout from an invitee, cancel or timeout from the inviter). */
const receiveAnswer = (state: ReducerState, invitation: ReducerInvitation, input: ReceivedInput): Effect[] => {
  const { message, envelope } = input
  if (envelope.inviter !== invitation.inviter) return dropped('forged-sender', input)
  const fromInviter = message.sender === invitation.inviter
  const rule = (fromInviter ? byInviter : byInvitee)[envelope.actionType]
  if (rule === undefined || fromInviter) return dropped('forged-sender', input) // cancels are out of this bench's scope
  const list = envelope.inviteeList
  if (list.length !== 1 || list[0] !== message.sender) return dropped('forged-sender', input)
  const i = indexOf(invitation, message.sender)
  if (i < 0) return dropped('not-invitee', input)
  const actionID = envelope.beckon?.actionID ?? message.messageID
  const current = invitation.decisions[i] ?? null
  const rank = invitation.ranks[i]!
  if (current !== null && (rule.rank > rank || (rule.rank === rank && actionID >= current.actionID))) {
    return dropped(rule.rank === rank && actionID === current.actionID ? 'duplicate' : 'outranked', input)
  }
  const fact: InviteeEvent = { type: rule.type, actionID, data: envelope.data, userID: message.sender, deviceID: message.senderDevice }
  const before = invitation.states[i]!
  invitation.states[i] = rule.target
  invitation.ranks[i] = rule.rank
  invitation.decisions[i] = fact
  if (before === PENDING) invitation.pendingCount--
  if (invitation.pendingCount === 0 && invitation.endedAt === null) invitation.endedAt = input.now
  return [{ type: 'notify', notification: notificationOf(invitation.inviteID, rule.target, message.sender, envelope.data) }]
}

const notificationOf = (inviteID: string, target: number, invitee: string, data: string): Notification => {
  if (target === ACCEPTED) return { type: 'onInviteeAccepted', inviteID, invitee, data }
  if (target === REJECTED) return { type: 'onInviteeRejected', inviteID, invitee, data }
  return { type: 'onInvitationTimeout', inviteID, inviteeList: [invitee] }
}

/** The reducer's step: the same inputs as the engine's, the same effects for this flow. */
export const reduce = (state: ReducerState, input: ReceivedInput): Effect[] => {
  const { message, envelope } = input
  if (input.now - message.serverTime > state.retentionMs) return dropped('outranked', input)
  const groupID = message.conversation.kind === 'group' ? message.conversation.groupID : ''
  if (envelope.groupID !== groupID) return dropped('forged-sender', input)
  if (envelope.actionType === ActionType.invite) return receiveInvite(state, input)
  const invitation = state.invitations.get(envelope.inviteID)
  if (invitation === undefined || invitation.groupID !== groupID) return dropped('not-invitee', input)
  return receiveAnswer(state, invitation, input)
}
