/**
 * The straightforward alternative to the engine's compiled machine: run every answer through
 * XState's own pure `transition(inviteeMachine, snapshot, event)`, keeping one snapshot per
 * invitee, with the same validation, invitee index, pending count and notification per change.
 *
 * This measures what SPEC §7's "compiling it once into a fast form is welcome" buys: XState
 * resolves a full snapshot (state value, context, tags, status) per event. Snapshots are
 * immutable, so every still-pending invitee shares the one initial snapshot (which is also the
 * cheapest way to hold a million of them).
 *
 * @module
 */
import { transition } from 'xstate'
import { ActionType, inviteeMachine, type Effect, type InviteeEvent, type InviteeEventType, type Notification } from '@beckon/core'
import type { ReceivedInput } from './flows.js'

type Snapshot = ReturnType<typeof inviteeMachine.resolveState>

/** One group invitation: a snapshot per invitee. */
export interface XstateInvitation {
  readonly inviteID: string
  readonly groupID: string
  readonly inviter: string
  readonly invitees: readonly string[]
  index: Map<string, number> | null
  readonly snapshots: Snapshot[]
  pendingCount: number
  endedAt: number | null
}

export interface XstateState {
  readonly retentionMs: number
  readonly invitations: Map<string, XstateInvitation>
}

export const xstateState = (retentionMs: number): XstateState => ({ retentionMs, invitations: new Map() })

const pending: Snapshot = inviteeMachine.resolveState({ value: 'pending', context: { decision: null } })

const answerType: Partial<Record<ActionType, InviteeEventType>> = {
  [ActionType.accept]: 'invitee.accepted',
  [ActionType.reject]: 'invitee.rejected',
  [ActionType.timeout]: 'invitee.timedOut',
}

const dropped = (reason: 'forged-sender' | 'duplicate' | 'outranked' | 'not-invitee', input: ReceivedInput): Effect[] => [
  { type: 'diagnostic', diagnostic: { reason, detail: reason, messageID: input.message.messageID } },
]

const receiveInvite = (state: XstateState, input: ReceivedInput): Effect[] => {
  const { envelope } = input
  const invitees = envelope.inviteeList.slice()
  const invitation: XstateInvitation = {
    inviteID: envelope.inviteID,
    groupID: envelope.groupID,
    inviter: envelope.inviter,
    invitees,
    index: null,
    snapshots: new Array<Snapshot>(invitees.length).fill(pending),
    pendingCount: invitees.length,
    endedAt: null,
  }
  state.invitations.set(invitation.inviteID, invitation)
  const { inviteID, inviter, groupID } = invitation
  return [{ type: 'notify', notification: { type: 'onReceiveNewInvitation', inviteID, inviter, groupID, inviteeList: invitees, data: envelope.data } }]
}

const indexOf = (invitation: XstateInvitation, userID: string): number => {
  let index = invitation.index
  if (index === null) {
    index = new Map()
    for (let i = 0; i < invitation.invitees.length; i++) index.set(invitation.invitees[i]!, i)
    invitation.index = index
  }
  return index.get(userID) ?? -1
}

const notificationOf = (inviteID: string, value: Snapshot['value'], invitee: string, data: string): Notification => {
  if (value === 'accepted') return { type: 'onInviteeAccepted', inviteID, invitee, data }
  if (value === 'rejected') return { type: 'onInviteeRejected', inviteID, invitee, data }
  return { type: 'onInvitationTimeout', inviteID, inviteeList: [invitee] }
}

const receiveAnswer = (invitation: XstateInvitation, input: ReceivedInput): Effect[] => {
  const { message, envelope } = input
  if (envelope.inviter !== invitation.inviter || message.sender === invitation.inviter) return dropped('forged-sender', input)
  const type = answerType[envelope.actionType]
  const list = envelope.inviteeList
  if (type === undefined || list.length !== 1 || list[0] !== message.sender) return dropped('forged-sender', input)
  const i = indexOf(invitation, message.sender)
  if (i < 0) return dropped('not-invitee', input)
  const event: InviteeEvent = {
    type,
    actionID: envelope.beckon?.actionID ?? message.messageID,
    data: envelope.data,
    userID: message.sender,
    deviceID: message.senderDevice,
  }
  const before = invitation.snapshots[i]!
  const [after] = transition(inviteeMachine, before, event)
  if (after.value === before.value && after.context.decision === before.context.decision) {
    return dropped(before.context.decision?.actionID === event.actionID ? 'duplicate' : 'outranked', input)
  }
  invitation.snapshots[i] = after
  if (before.hasTag('answerable') && !after.hasTag('answerable')) invitation.pendingCount--
  if (invitation.pendingCount === 0 && invitation.endedAt === null) invitation.endedAt = input.now
  return [{ type: 'notify', notification: notificationOf(invitation.inviteID, after.value, message.sender, envelope.data) }]
}

/** Same inputs as the engine's `step`; the lifecycle decided by XState's `transition()` per event. */
export const xstateStep = (state: XstateState, input: ReceivedInput): Effect[] => {
  const { message, envelope } = input
  if (input.now - message.serverTime > state.retentionMs) return dropped('outranked', input)
  const groupID = message.conversation.kind === 'group' ? message.conversation.groupID : ''
  if (envelope.groupID !== groupID) return dropped('forged-sender', input)
  if (envelope.actionType === ActionType.invite) return receiveInvite(state, input)
  const invitation = state.invitations.get(envelope.inviteID)
  if (invitation === undefined || invitation.groupID !== groupID) return dropped('not-invitee', input)
  return receiveAnswer(invitation, input)
}
