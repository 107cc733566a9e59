import { test } from '@fast-check/vitest'
import fc from 'fast-check'
import { transition } from 'xstate'
import { describe, expect, it } from 'vitest'
import { compiledInviteeMachine as compiled, fire, inviteeMachine, type InviteeState } from '@beckon/core'
import { fireInPlace } from '../../src/machine/compile.js'
import { inviteeEvent } from './arbitraries.js'

describe('the compiled invitee machine', () => {
  // Law: an invitee is undecided exactly while it is in the initial state. Every transition
  // records its fact as the decision, and none leads back to the initial state, so the engine
  // reads no state for an invitee without a decision (invitees.ts, applyFact).
  test.prop([fc.constantFrom(...compiled.states.map((_, i) => i)), fc.option(inviteeEvent, { nil: null }), inviteeEvent])(
    'records every fact it takes as the decision, and never returns to the initial state',
    (state, decision, event) => {
      const fired = fire(compiled, state, { decision: state === compiled.initial ? null : decision }, event)
      if (fired === undefined) return
      expect(fired.context.decision).toBe(event)
      expect(fired.state).not.toBe(compiled.initial)
    },
  )

  it('indexes every state of the machine', () => {
    expect(compiled.states).toEqual(Object.keys(inviteeMachine.root.states))
    expect(compiled.states[compiled.initial]).toBe('pending')
  })

  // Law: for every state, every decision and every event, running the compiled form gives the
  // state and context XState's own transition() gives — the engine adds no lifecycle of its own.
  test.prop([fc.constantFrom(...(Object.keys(inviteeMachine.root.states) as InviteeState[])), fc.option(inviteeEvent, { nil: null }), inviteeEvent])(
    'agrees with XState transition() for every state, decision and event',
    (value, decision, event) => {
      const snapshot = inviteeMachine.resolveState({ value, context: { decision: value === 'pending' ? null : decision } })
      const [next] = transition(inviteeMachine, snapshot, event)
      const fired = fire(compiled, compiled.stateIndex[value], snapshot.context, event)
      expect(fired === undefined ? value : compiled.states[fired.state]).toBe(next.value)
      expect(fired === undefined ? snapshot.context : fired.context).toEqual(next.context)
    },
  )

  // Law: the hot path's in-place form takes the same transitions as XState transition(): the
  // state it returns and the context it leaves behind are XState's; where XState changes nothing
  // it returns -1 and leaves the context as it was.
  test.prop([fc.constantFrom(...(Object.keys(inviteeMachine.root.states) as InviteeState[])), fc.option(inviteeEvent, { nil: null }), inviteeEvent])(
    'fires in place exactly as XState transition() does',
    (value, decision, event) => {
      const snapshot = inviteeMachine.resolveState({ value, context: { decision: value === 'pending' ? null : decision } })
      const [next] = transition(inviteeMachine, snapshot, event)
      const context = { ...snapshot.context }
      const to = fireInPlace(compiled, compiled.stateIndex[value], context, event)
      expect(to < 0 ? value : compiled.states[to]).toBe(next.value)
      expect(context).toEqual(next.context)
    },
  )

  // Law: folding any sequence of facts through the compiled machine ends in the same state and
  // decision as folding it through XState (sequences, not just single steps, agree).
  test.prop([fc.array(inviteeEvent, { maxLength: 12 })])('agrees with XState over whole sequences of facts', (events) => {
    let snapshot = inviteeMachine.resolveState({ value: 'pending', context: { decision: null } })
    let state = compiled.initial
    let context = snapshot.context
    for (const event of events) {
      ;[snapshot] = transition(inviteeMachine, snapshot, event)
      const fired = fire(compiled, state, context, event)
      if (fired !== undefined) ({ state, context } = fired)
    }
    expect(compiled.states[state]).toBe(snapshot.value)
    expect(context).toEqual(snapshot.context)
  })
})
