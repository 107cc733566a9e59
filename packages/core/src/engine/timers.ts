/**
 * Fired timers (SPEC §3 "Time"): the invitee's own deadline, the sending inviter's `+ 5 s`, every
 * other holder's `+ 10 s` local expiry, and the removal of tombstones and of held messages.
 * A deadline timer that fires while the device is not caught up does nothing: every timer is
 * re-armed from its absolute deadline when the device is connected again.
 *
 * @module
 */
import type { InviteeEvent } from '../machine/inviteeMachine.js'
import { applyFact, inviteeIndex, isAnswerable, ownInviteeIndex, pendingInvitees } from './invitees.js'
import type { Effect } from './io.js'
import { armTimers, dueTime, notify, removeDue, settleActivity, timersDue } from './lifecycle.js'
import { sendOwnTimeout } from './outbound.js'
import { endedAtOf, type EngineState, type Invitation } from './state.js'

/** Drops messages held for an invitation that never arrived within the retention period. */
const dropHeld = (state: EngineState, inviteID: string, effects: Effect[]): void => {
  const held = state.held.get(inviteID)
  if (held === undefined) return
  state.held.delete(inviteID)
  state.heldKeys.delete(inviteID)
  state.heldCount -= held.length
  state.revision++
  effects.push({
    type: 'diagnostic',
    diagnostic: { reason: 'held-dropped', detail: `${held.length} message(s) whose invite never came`, inviteID },
  })
}

/** The invitee's own deadline: it times itself out, tells the others, and hears of it. */
const ownDeadline = (state: EngineState, invitation: Invitation, actionID: string, now: number, effects: Effect[]): void => {
  const { userID, deviceID } = state.config
  const i = ownInviteeIndex(state, invitation)
  if (i < 0 || !isAnswerable(invitation, i)) return
  const fact: InviteeEvent = { type: 'invitee.timedOut', actionID, data: invitation.data, userID, deviceID }
  applyFact(state, invitation, i, fact, false, effects)
  notify(invitation, { type: 'onInvitationTimeout', inviteID: invitation.inviteID, inviteeList: [userID] }, effects)
  sendOwnTimeout(state, invitation, [userID], actionID, now, effects)
}

/** The device that sent the invite ends every invitee still pending in its record, in one message. */
const inviterDeadline = (state: EngineState, invitation: Invitation, actionID: string, now: number, effects: Effect[]): void => {
  const pending = pendingInvitees(invitation)
  if (pending.length === 0) return
  const { userID, deviceID } = state.config
  const fact: InviteeEvent = { type: 'inviter.timedOut', actionID, data: invitation.data, userID, deviceID }
  for (const invitee of pending) applyFact(state, invitation, inviteeIndex(invitation, invitee), fact, false, effects)
  notify(invitation, { type: 'onInvitationTimeout', inviteID: invitation.inviteID, inviteeList: pending }, effects)
  sendOwnTimeout(state, invitation, pending, actionID, now, effects)
}

/** Everyone else: invitees still pending time out here, silently on the wire; any message overrides it. */
const localExpiry = (state: EngineState, invitation: Invitation, effects: Effect[]): void => {
  const pending = pendingInvitees(invitation)
  if (pending.length === 0) return
  const fact: InviteeEvent = { type: 'timer.expired', actionID: '', data: '', userID: '', deviceID: '' }
  const reported = pending.filter((invitee) => {
    const applied = applyFact(state, invitation, inviteeIndex(invitation, invitee), fact, false, effects)
    return applied.kind === 'changed' && applied.reported
  })
  if (reported.length > 0) notify(invitation, { type: 'onInvitationTimeout', inviteID: invitation.inviteID, inviteeList: reported }, effects)
}

type DeadlineAction = (state: EngineState, invitation: Invitation, actionID: string, now: number, effects: Effect[]) => void

/** The deadlines by bit of `timersDue` (own, inviter, expiry), the order they act in when they fall at once. */
const deadlineActions: readonly DeadlineAction[] = [
  ownDeadline,
  inviterDeadline,
  (state, invitation, _actionID, _now, effects) => localExpiry(state, invitation, effects),
]

/**
 * Handles a fired timer, keyed by invite id: the invitation's deadlines that are due, or for a
 * tombstone the removal of those whose retention is over, or else the messages held for that id.
 * A timer that fires early (a fast local clock) is armed again, and one that leaves a later
 * deadline pending is armed for it.
 */
export const timerFired = (state: EngineState, key: string, now: number, actionID: string, effects: Effect[]): void => {
  const invitation = state.invitations.get(key)
  if (invitation === undefined) return dropHeld(state, key, effects)
  if (endedAtOf(invitation) !== null) return removeDue(state, now, effects)
  const due = timersDue(state, invitation)
  let fired = 0
  for (let k = 0; k < deadlineActions.length; k++) if ((due & (1 << k)) !== 0 && dueTime(k) <= now) fired |= 1 << k
  if (fired === 0) return due === 0 ? undefined : armTimers(state, invitation, effects)
  if (!state.connected) return
  for (let k = 0; k < deadlineActions.length; k++) if ((fired & (1 << k)) !== 0) deadlineActions[k]!(state, invitation, actionID, now, effects)
  settleActivity(state, invitation, now, effects, true)
  // Still active: a later deadline (the local expiry after this user's own) may remain.
  if (endedAtOf(invitation) === null) armTimers(state, invitation, effects, false, now)
}
