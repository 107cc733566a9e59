/**
 * The engine: `step(state, input) -> { state, effects }`. Deterministic, and it owns its state: it
 * reads no clock and no randomness (inputs carry `now` and fresh ids), performs nothing (effects
 * are data for the facade to carry out), and updates the state it is given in place rather than
 * copying it (so it is not a pure function: keep a `structuredClone` to hold an old state; the
 * copy is a state of its own, which `step` takes like any other).
 *
 * @module
 */
import * as E from '#fp-ts/Either.js'
import { failure, type SignalingFailure } from '../errors.js'
import { ActionType } from '../wire/envelope.js'
import { addInvited, answer, invite, inviteTaken } from './commands.js'
import { decisionOf, undoFact } from './invitees.js'
import type { Effect, Input, StepResult } from './io.js'
import { armRemoval, armTimers, notify, present, settleActivity } from './lifecycle.js'
import { modificationTaken } from './modifications.js'
import { sendEffect } from './outbound.js'
import { receive, releaseHeld } from './receive.js'
import { inviteesOf, isProvisional, withoutEntry, type EngineState, type InFlight, type Invitation } from './state.js'
import { timerFired } from './timers.js'

/** Never emitted: it only gives a step's effects array its first slots (see `step`). */
const roomForOne = {} as Effect

/**
 * Runs one input. `state` is owned by the call and updated in place; the same object is returned.
 *
 * @example
 * ```ts
 * let state = initialState({ userID: 'bob', deviceID: 'phone', limits: defaultLimits, trace: false })
 * const { effects } = step(state, { type: 'connection.changed', state: 'connected', now, actionID: ids() })
 * ```
 */
export const step = (state: EngineState, input: Input): StepResult<EngineState> => {
  // Made with room for two effects: V8 gives `[]` room for 17 at its first push and a full array
  // 17 more at its next, 150 bytes of garbage each time, and every 1:1 lifecycle has two steps that
  // emit two effects (a timer and a settle, a send or a notification): room for one grew twice per
  // lifecycle, a seventh of the bytes it allocated. (Popping leaves the room: V8 shrinks no array
  // this small.)
  const effects: Effect[] = [roomForOne, roomForOne]
  effects.pop()
  effects.pop()
  const changed = stepInto(state, input, effects)
  return { state, effects, changed }
}

/**
 * {@link step} for a caller that keeps its own effects array (the shell, which reuses one per
 * nesting level rather than an array and a result object per step): the effects are appended to
 * `effects`, and the answer says whether the input changed the state.
 */
export const stepInto = (state: EngineState, input: Input, effects: Effect[]): boolean => {
  const revision = state.revision
  // A switch compares its cases in order: the input a busy device gets most comes first.
  switch (input.type) {
    case 'message.received':
      receive(state, input.message, input.envelope, input.now, effects)
      break
    case 'command.invite':
      invite(state, input, effects)
      break
    case 'command.cancel':
    case 'command.accept':
    case 'command.reject':
    case 'command.modify':
      answer(state, input, effects)
      break
    case 'command.addInvited':
      addInvited(state, input, effects)
      break
    case 'send.taken':
      sendTaken(state, input.sendID, input.receipt.messageID, input.receipt.serverTime, input.now, effects)
      break
    case 'send.failed': {
      const entry = state.inFlight.get(input.sendID)
      if (entry !== undefined) sendFailed(state, input.sendID, entry, input.failure, input.now, effects)
      break
    }
    case 'timer.fired':
      timerFired(state, input.key, input.now, input.actionID, effects)
      break
    case 'connection.changed':
      connectionChanged(state, input.state === 'connected', input.now, effects)
      break
  }
  return state.revision !== revision
}

// -------------------------------------------------------------------------------------------------
// The IM's answers to sends
// -------------------------------------------------------------------------------------------------

const sendTaken = (state: EngineState, sendID: string, messageID: string, serverTime: number, now: number, effects: Effect[]): void => {
  const entry = state.inFlight.get(sendID)
  if (entry === undefined) return
  state.inFlight = withoutEntry(state.inFlight, sendID) // see `EngineState.inFlight`
  state.revision++
  const { envelope } = entry
  // The invitation is looked up only where it is read: an answer's receipt needs none, and an
  // invite's is looked up once, by `inviteTaken` (each lookup of a 1:1 lifecycle's id is a hash probe).
  if (entry.replaces !== undefined) {
    const invitation = state.invitations.get(envelope.inviteID)
    const taken = invitation === undefined ? 'adopted' : modificationTaken(invitation, entry, serverTime, effects)
    if (taken === 'outranked' && entry.origin === 'app') {
      const lost = failure('Outranked', 'a modification from another device in the same server millisecond outranks it')
      effects.push({ type: 'settle', commandID: entry.commandID, result: E.left(lost) })
      return
    }
  } else if (entry.origin === 'engine') {
    // An invite sent again after a restore: the invitation was provisional; now its message is known.
    const invitation = envelope.actionType === ActionType.invite ? state.invitations.get(envelope.inviteID) : undefined
    if (invitation !== undefined && isProvisional(invitation) && invitation.inviteMessageID === '') invitation.inviteMessageID = messageID
  } else if (envelope.actionType === ActionType.invite) {
    inviteTaken(state, envelope, messageID, serverTime, now, effects)
  }
  if (entry.origin === 'engine') return
  effects.push({ type: 'settle', commandID: entry.commandID, result: settled(envelope.inviteID) })
}

/**
 * `E.right(inviteID)`, built here: every command settles through this, and where fp-ts's CommonJS
 * build is bundled (esbuild wraps it, as in the bench's child process) `E.right` is read through a
 * getter per call (an invitee's receipt step timed alone, clock reads included: about 120 against
 * 170 ns).
 */
const settled = (inviteID: string): E.Either<SignalingFailure, string> => ({ _tag: 'Right', right: inviteID })

/**
 * The IM refused a message. A command's promise fails and its optimistic decisions are undone
 * (keeping any fact that lost to them meanwhile); an engine timeout waits for the next connection.
 */
const sendFailed = (
  state: EngineState,
  sendID: string,
  entry: InFlight,
  failure: SignalingFailure,
  now: number,
  effects: Effect[],
): void => {
  state.inFlight.delete(sendID)
  state.revision++
  if (entry.origin === 'engine') {
    state.outbox.push(entry)
    return
  }
  const invitation = state.invitations.get(entry.envelope.inviteID)
  if (invitation !== undefined && entry.decided.length > 0) undoDecisions(state, invitation, entry, now, effects)
  effects.push({ type: 'settle', commandID: entry.commandID, result: E.left(failure) })
}

const undoDecisions = (
  state: EngineState,
  invitation: Invitation,
  entry: InFlight,
  now: number,
  effects: Effect[],
): void => {
  for (const i of entry.decided) {
    const decision = decisionOf(invitation, i)
    if (decision == null || decision.actionID !== sendID(entry)) continue
    const decided = undoFact(state, invitation, i, entry.overruled[i] ?? [], effects)
    const winner = decisionOf(invitation, i)
    if (!decided || winner == null) continue
    const invitee = inviteesOf(invitation)[i]!
    const { inviteID, inviter } = invitation
    switch (winner.type) {
      case 'invitee.accepted':
        notify(invitation, { type: 'onInviteeAccepted', inviteID, invitee, data: winner.data }, effects)
        break
      case 'invitee.rejected':
        notify(invitation, { type: 'onInviteeRejected', inviteID, invitee, data: winner.data }, effects)
        break
      case 'inviter.cancelled':
        notify(invitation, { type: 'onInvitationCancelled', inviteID, inviter, data: winner.data, inviteeList: [invitee] }, effects)
        break
      default:
        notify(invitation, { type: 'onInvitationTimeout', inviteID, inviteeList: [invitee] }, effects)
    }
  }
  settleActivity(state, invitation, now, effects)
}

const sendID = (entry: InFlight): string => entry.envelope.beckon?.actionID ?? ''

// -------------------------------------------------------------------------------------------------
// Connection
// -------------------------------------------------------------------------------------------------

/**
 * Caught up: every deadline is re-armed from its absolute time (those that came due while away
 * fire at once), and the first tombstone's removal with them; invitations that arrived meanwhile
 * get their ring decision, and timeouts the IM refused are sent again.
 */
const connectionChanged = (state: EngineState, connected: boolean, now: number, effects: Effect[]): void => {
  const wasConnected = state.connected
  state.connected = connected
  if (connected !== wasConnected) state.revision++
  if (!connected || wasConnected) return
  for (const invitation of state.invitations.values()) {
    releaseHeld(state, invitation, now, effects)
    armTimers(state, invitation, effects)
    present(state, invitation, now, effects)
  }
  armRemoval(state, effects)
  const outbox = state.outbox
  state.outbox = []
  for (const entry of outbox) {
    state.inFlight.set(sendID(entry), entry)
    effects.push(sendEffect(sendID(entry), entry))
  }
}
