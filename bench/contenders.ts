/**
 * Everything the engine is timed against, behind one shape per flow, so the timing loop is the
 * same code for each: a group invitation seen by a member device (engine, hand-written reducer,
 * bare loop, XState's per-event `transition()`), and one device's 1:1 lifecycles (engine,
 * hand-written 1:1 reducer).
 *
 * @module
 */
import { defaultLimits, getInvitation, initialState, listInvitations, step, stepInto, type Effect, type EngineState, type Input } from '@beckon/core'
import { bareState, bareStep, barePending } from './bareLoop.js'
import { groupInviteID, member, retentionMs, t0, type ReceivedInput } from './flows.js'
import { heldInvitations, oneToOneState, reduceOneToOne } from './oneToOneReducer.js'
import { reduce, reducerState } from './reducer.js'
import { xstateState, xstateStep } from './xstate.js'

// -------------------------------------------------------------------------------------------------
// A group invitation at a member device
// -------------------------------------------------------------------------------------------------

/** One fresh state holding one group invitation as its inputs arrive. */
export interface GroupRun {
  /** Steps one input; returns a number derived from the output, so no call can be optimised away. */
  readonly step: (input: ReceivedInput) => number
  /** Whether every invitee has answered (read after timing, through public views only). */
  readonly ended: () => boolean
}

export const groupContenderNames = ['engine', 'reducer', 'bare', 'xstate'] as const
export type GroupContenderName = (typeof groupContenderNames)[number]

/** An engine state for `userID`'s device, connected, admitting `maxInvitees` per invitation. */
export const engineState = (userID: string, deviceID: string, maxInvitees: number): EngineState => {
  const state = initialState({ userID, deviceID, limits: { ...defaultLimits, maxInvitees }, trace: false })
  step(state, { type: 'connection.changed', state: 'connected', now: t0, actionID: 'connect' })
  return state
}

/**
 * The engine as the library's own shell drives it: `stepInto` with one effects array, emptied
 * before each input, so what is timed is the engine's work rather than a result object and a fresh
 * array per input (`step` is `stepInto` plus those two). Returns how many effects the input gave.
 * Emptied by popping, as the shell empties its arrays: setting the length to 0 lets go of the
 * array's backing store, and the next push allocates room for 17 again (a runtime call and a
 * store per input, about a fifth of the instructions a 1:1 lifecycle's steps took under callgrind).
 */
const into = (state: EngineState, input: Input, effects: Effect[]): number => {
  while (effects.length > 0) effects.pop()
  stepInto(state, input, effects)
  return effects.length
}

export const groupContenders: Readonly<Record<GroupContenderName, (n: number) => GroupRun>> = {
  engine: (n) => {
    const state = engineState(member, 'tablet', Math.max(n, defaultLimits.maxInvitees))
    const effects: Effect[] = []
    return { step: (input) => into(state, input, effects), ended: () => getInvitation(state, groupInviteID)?.active === false }
  },
  reducer: () => {
    const state = reducerState(retentionMs)
    return { step: (input) => reduce(state, input).length, ended: () => state.invitations.get(groupInviteID)?.pendingCount === 0 }
  },
  bare: () => {
    const state = bareState()
    return { step: (input) => bareStep(state, input), ended: () => barePending(state, groupInviteID) === 0 }
  },
  xstate: () => {
    const state = xstateState(retentionMs)
    return { step: (input) => xstateStep(state, input).length, ended: () => state.invitations.get(groupInviteID)?.pendingCount === 0 }
  },
}

export const groupLabels: Readonly<Record<GroupContenderName, string>> = {
  engine: 'engine stepInto()',
  reducer: 'hand-written reducer',
  bare: 'bare loop (bookkeeping only)',
  xstate: "XState's transition() per event",
}

// -------------------------------------------------------------------------------------------------
// 1:1 lifecycles at one device
// -------------------------------------------------------------------------------------------------

/** One device's state across many 1:1 lifecycles. */
export interface OneToOneRun {
  readonly step: (input: Input) => number
  /** Invitations still held (0 once every tombstone is gone). */
  readonly held: () => number
  /** The effects of the last step, for counting them by type. */
  readonly effects: (input: Input) => readonly { readonly type: string }[]
}

export const oneToOneContenderNames = ['engine', 'reducer'] as const
export type OneToOneContenderName = (typeof oneToOneContenderNames)[number]

export const oneToOneContenders: Readonly<Record<OneToOneContenderName, (who: { userID: string; deviceID: string }) => OneToOneRun>> = {
  engine: ({ userID, deviceID }) => {
    const state = engineState(userID, deviceID, defaultLimits.maxInvitees)
    const effects: Effect[] = []
    return {
      step: (input) => into(state, input, effects),
      held: () => listInvitations(state).length,
      effects: (input) => {
        into(state, input, effects)
        return effects
      },
    }
  },
  reducer: ({ userID, deviceID }) => {
    const state = oneToOneState(userID, deviceID, defaultLimits)
    return { step: (input) => reduceOneToOne(state, input).length, held: () => heldInvitations(state), effects: (input) => reduceOneToOne(state, input) }
  },
}
