/**
 * The invitee machine compiled once, at load, into a form the engine can run per event without
 * building an XState actor: states and event types become indexes, each (state, event type) pair
 * gets its candidate transitions in document order, and each candidate calls the machine's own
 * guard and assign implementations, looked up by name. Nothing here restates the lifecycle; a
 * property test checks that {@link fire} and XState's `transition()` agree everywhere.
 *
 * @module
 */
import type { AnyStateMachine } from 'xstate'
import {
  inviteeEventTypes,
  inviteeMachine,
  type InviteeContext,
  type InviteeEvent,
  type InviteeEventType,
  type InviteeState,
} from './inviteeMachine.js'

// -------------------------------------------------------------------------------------------------
// Model
// -------------------------------------------------------------------------------------------------

interface GuardArgs {
  context: InviteeContext
  event: InviteeEvent
}
type Guard = (args: GuardArgs) => boolean
/** The next context after one assign action. */
type Assigner = (args: GuardArgs) => InviteeContext
/** One assign action applied to a context its caller owns, in place. */
type InPlaceAssigner = (args: GuardArgs, into: { -readonly [K in keyof InviteeContext]: InviteeContext[K] }) => void

interface CompiledTransition {
  readonly guard: Guard | undefined
  readonly target: number
  readonly assigners: readonly Assigner[]
  /** The same assign actions, writing into the caller's context instead of a new one. */
  readonly inPlace: readonly InPlaceAssigner[]
}

/** The invitee machine as indexes and tables. */
export interface CompiledMachine {
  /** State names by index. */
  readonly states: readonly InviteeState[]
  readonly stateIndex: Readonly<Record<InviteeState, number>>
  readonly initial: number
  /** Per state index: whether it carries the `answerable` tag. */
  readonly answerable: readonly boolean[]
  readonly eventIndex: Readonly<Record<InviteeEventType, number>>
  /** Candidates of (state, event type) at `state * eventCount + event`. */
  readonly table: readonly (readonly CompiledTransition[])[]
}

// -------------------------------------------------------------------------------------------------
// Compilation
// -------------------------------------------------------------------------------------------------

const nameOf = (ref: unknown): string => {
  if (typeof ref === 'string') return ref
  if (typeof ref === 'object' && ref !== null && 'type' in ref && typeof ref.type === 'string') return ref.type
  throw new TypeError('the invitee machine must refer to its guards and actions by name')
}

/**
 * An XState `assign(...)` action carries its assignment: a function returning a partial context,
 * or an object of property assigners. Either way it becomes a function from (context, event) to
 * the next context, allocating just that one object.
 */
const assignerOf = (action: unknown): Assigner => {
  const candidate = action as { type?: unknown; assignment?: unknown }
  if (candidate.type !== 'xstate.assign') throw new TypeError('only assign actions can be compiled')
  const assignment = candidate.assignment
  if (typeof assignment === 'function') {
    const partial = assignment as (args: GuardArgs) => Partial<InviteeContext>
    return (args) => ({ ...args.context, ...partial(args) })
  }
  if (typeof assignment === 'object' && assignment !== null) {
    const entries = Object.entries(assignment as Record<string, (args: GuardArgs) => unknown>)
    return (args) => {
      const next: Record<string, unknown> = { ...args.context }
      for (const [key, fn] of entries) next[key] = fn(args)
      return next as unknown as InviteeContext
    }
  }
  throw new TypeError('unsupported assignment')
}

/**
 * {@link assignerOf}, writing into a context the caller owns. Every property is computed from the
 * context as it was before the action (as XState does) before any is written.
 */
const inPlaceAssignerOf = (action: unknown): InPlaceAssigner => {
  const assignment = (action as { assignment?: unknown }).assignment
  if (typeof assignment === 'function') {
    const partial = assignment as (args: GuardArgs) => Partial<InviteeContext>
    return (args, into) => void Object.assign(into, partial(args))
  }
  const entries = Object.entries(assignment as Record<string, (args: GuardArgs) => unknown>)
  if (entries.length === 1) {
    const [key, fn] = entries[0]!
    return (args, into) => void ((into as Record<string, unknown>)[key] = fn(args))
  }
  return (args, into) => {
    const values = entries.map(([, fn]) => fn(args))
    entries.forEach(([key], i) => ((into as Record<string, unknown>)[key] = values[i]))
  }
}

/** Compiles a flat machine (the invitee machine) into tables. */
export const compileMachine = (machine: AnyStateMachine): CompiledMachine => {
  const states = Object.keys(machine.root.states) as InviteeState[]
  const stateIndex = Object.fromEntries(states.map((name, i) => [name, i])) as Record<InviteeState, number>
  const eventIndex = Object.fromEntries(inviteeEventTypes.map((t, i) => [t, i])) as Record<InviteeEventType, number>
  const guards = machine.implementations.guards as Record<string, Guard>
  const actions = machine.implementations.actions as Record<string, unknown>

  const table: CompiledTransition[][] = []
  for (const name of states) {
    const node = machine.root.states[name]!
    for (const type of inviteeEventTypes) {
      const definitions = node.transitions.get(type) ?? []
      table.push(
        definitions.map((definition) => {
          const target = definition.target?.[0]?.key as InviteeState | undefined
          if (target === undefined) throw new TypeError(`transition ${name} --${type}--> has no target`)
          const guard = definition.guard === undefined ? undefined : guards[nameOf(definition.guard)]
          const assigns = definition.actions.map((a) => actions[nameOf(a)])
          return { guard, target: stateIndex[target], assigners: assigns.map(assignerOf), inPlace: assigns.map(inPlaceAssignerOf) }
        }),
      )
    }
  }

  const initialKey = machine.root.initial?.target[0]?.key as InviteeState | undefined
  if (initialKey === undefined) throw new TypeError('the invitee machine needs an initial state')
  return {
    states,
    stateIndex,
    initial: stateIndex[initialKey],
    answerable: states.map((name) => machine.root.states[name]!.tags.includes('answerable')),
    eventIndex,
    table,
  }
}

/** The invitee machine, compiled. */
export const compiledInviteeMachine: CompiledMachine = compileMachine(inviteeMachine)

// -------------------------------------------------------------------------------------------------
// Running
// -------------------------------------------------------------------------------------------------

/** The result of a taken transition. */
export interface Fired {
  state: number
  context: InviteeContext
}

/**
 * Guards and assigns are pure and keep nothing they are given, so one arguments object serves
 * every call.
 */
const scratch: GuardArgs = { context: { decision: null }, event: { type: 'timer.expired', actionID: '', data: '', userID: '', deviceID: '' } }

/** The first candidate of (`state`, `event`) whose guard holds in `context`, if any. */
const enabled = (machine: CompiledMachine, state: number, context: InviteeContext, event: InviteeEvent): CompiledTransition | undefined => {
  const candidates = machine.table[state * inviteeEventTypes.length + machine.eventIndex[event.type]]
  if (candidates === undefined) return undefined
  scratch.context = context
  scratch.event = event
  // Indexed loops: a `for…of` here kept an iterator per fact in the profile of a group answer.
  for (let k = 0; k < candidates.length; k++) {
    const candidate = candidates[k]!
    if (candidate.guard === undefined || candidate.guard(scratch)) return candidate
  }
  return undefined
}

/**
 * Runs one event from (`state`, `context`): the first candidate whose guard holds is taken and its
 * assigns applied to a new context. Returns `undefined` when no transition is enabled, i.e. the
 * event changes nothing.
 */
export const fire = (machine: CompiledMachine, state: number, context: InviteeContext, event: InviteeEvent): Fired | undefined => {
  const candidate = enabled(machine, state, context, event)
  if (candidate === undefined) return undefined
  let next = context
  for (const assigner of candidate.assigners) {
    scratch.context = next
    scratch.event = event
    next = assigner(scratch)
  }
  return { state: candidate.target, context: next }
}

/**
 * {@link fire} for the hot path: the assigns update `context` (owned by the caller) in place, and
 * the next state is returned, or -1 when no transition is enabled (`context` is then untouched).
 * A new context per fact was a third of the allocations of a group answer's step.
 */
export const fireInPlace = (
  machine: CompiledMachine,
  state: number,
  context: { -readonly [K in keyof InviteeContext]: InviteeContext[K] },
  event: InviteeEvent,
): number => {
  const candidate = enabled(machine, state, context, event)
  if (candidate === undefined) return -1
  const { inPlace } = candidate
  // `enabled` left the arguments in `scratch`, and the context updated in place is the same object:
  // nothing to store again (each store of a young event into the long-lived `scratch` is a
  // write-barrier call).
  for (let k = 0; k < inPlace.length; k++) inPlace[k]!(scratch, context)
  return candidate.target
}
