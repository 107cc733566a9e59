/**
 * How an invitee's decision is kept: spread over the invitation's `decisions` entries and the
 * invitee's code rather than as an object per invitee. Whatever a fact holds, the invitee's
 * decision reads back as the winning fact itself, and a snapshot saves and restores it (and the
 * invitee's state) unchanged.
 */
import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { ActionType, defaultLimits, initialState, type Envelope } from '@beckon/core'
import { inviteeEventTypes, outranks, type InviteeEvent } from '../../src/machine/inviteeMachine.js'
import { applyFact, decisionOf, restoreInvitees, savedDecisions, savedStates, stateName } from '../../src/engine/invitees.js'
import { newInvitation } from '../../src/engine/record.js'
import type { Invitation } from '../../src/engine/state.js'

const invitees = ['bob', 'carol', 'dave']

const envelope: Envelope = {
  businessID: 1,
  inviteID: 'g-1',
  groupID: 'room',
  inviter: 'alice',
  inviteeList: invitees,
  data: 'call',
  timeout: 30,
  actionType: ActionType.invite,
  onlineUserOnly: false,
}

const holder = initialState({ userID: 'bob', deviceID: 'phone', limits: defaultLimits, trace: false })
const fresh = (): Invitation => newInvitation(holder, { envelope, takenAt: 0, provisional: false, inviteMessageID: '', sentHere: false, presented: true })

/** A fact about invitee `i`: its sender is often the one its type implies, sometimes not. */
const fact = (i: number): fc.Arbitrary<InviteeEvent> =>
  fc.record({
    type: fc.constantFrom(...inviteeEventTypes),
    actionID: fc.constantFrom('', 'a1', 'a2', 'b1'),
    data: fc.constantFrom('', 'x', 'call'),
    userID: fc.constantFrom('alice', invitees[i]!, '', 'mallory'),
    deviceID: fc.constantFrom('', 'phone', 'laptop'),
  })

const facts = fc.array(fc.nat(invitees.length - 1).chain((i) => fact(i).map((event) => ({ i, event }))), { maxLength: 20 })

describe('an invitee decision', () => {
  // Law: after any facts, each invitee's decision is the last fact the machine took for it (null
  // if none), field for field, whatever its sender, data or device; and the machine takes a fact
  // only if it outranks that decision, so what it compared against was read back whole too.
  test.prop([facts])('reads back as the fact that decided it', (applied) => {
    const state = initialState({ userID: 'erin', deviceID: 'tablet', limits: defaultLimits, trace: false })
    const invitation = fresh()
    const decided: (InviteeEvent | null)[] = invitees.map(() => null)
    for (const { i, event } of applied) {
      const { kind } = applyFact(state, invitation, i, event, false, [])
      if (kind === 'changed') {
        expect(outranks(event, decided[i]!)).toBe(true)
        decided[i] = event
      } else expect(outranks(event, decided[i]!) && event.type !== 'timer.expired').toBe(false) // a decided invitee ignores expiry
      expect(invitees.map((_, k) => decisionOf(invitation, k))).toEqual(decided)
    }
  })

  // Law: saving the states and decisions and restoring them into a fresh invitation gives the same
  // states and decisions, including saved records that are not facts this engine makes (restored
  // as they were).
  test.prop([facts, fc.boolean()])('survives a snapshot unchanged', (applied, odd) => {
    const state = initialState({ userID: 'erin', deviceID: 'tablet', limits: defaultLimits, trace: false })
    const invitation = fresh()
    for (const { i, event } of applied) applyFact(state, invitation, i, event, false, [])
    const saved = savedDecisions(invitation)
    const unusual = { type: 'invitee.accepted', actionID: 'z', data: '', userID: 'bob', deviceID: 'phone', extra: 1 } as InviteeEvent
    if (odd && saved.length > 0) saved[0] = unusual
    const restored = fresh()
    restoreInvitees(restored, JSON.parse(JSON.stringify(savedStates(invitation))) as number[], JSON.parse(JSON.stringify(saved)) as unknown[])
    expect(savedDecisions(restored)).toEqual(saved)
    expect(invitees.map((_, k) => stateName(restored, k))).toEqual(invitees.map((_, k) => stateName(invitation, k)))
  })
})
