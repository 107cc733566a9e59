import { fc, test } from '@fast-check/vitest'
import { getShortestPaths } from '@xstate/graph'
import { describe, expect, it } from 'vitest'
import { inviteeMachine, outranks, type InviteeEvent } from '@beckon/core'
import { inviteeEvent } from './arbitraries.js'

const sameFact = (a: InviteeEvent, b: InviteeEvent) => a.type === b.type && a.actionID === b.actionID

describe('outranks: the arbitration order', () => {
  test.prop([inviteeEvent])('is irreflexive: a fact never beats itself (duplicates change nothing)', (a) => {
    expect(outranks(a, a)).toBe(false)
  })

  test.prop([inviteeEvent, inviteeEvent])('is total: of two different facts exactly one wins', (a, b) => {
    fc.pre(!sameFact(a, b))
    expect(outranks(a, b) !== outranks(b, a)).toBe(true)
  })

  test.prop([inviteeEvent, inviteeEvent, inviteeEvent])('is transitive', (a, b, c) => {
    fc.pre(outranks(a, b) && outranks(b, c))
    expect(outranks(a, c)).toBe(true)
  })

  test.prop([inviteeEvent])('anything beats an undecided invitee', (a) => {
    expect(outranks(a, null)).toBe(true)
  })

  it('ranks cancel over timeout over accept over reject over own timeout over local expiry', () => {
    const fact = (type: InviteeEvent['type'], actionID = 'z'): InviteeEvent => ({ type, actionID, data: '', userID: 'u', deviceID: 'd' })
    expect(outranks(fact('inviter.cancelled'), fact('inviter.timedOut', 'a'))).toBe(true)
    expect(outranks(fact('inviter.timedOut'), fact('invitee.accepted', 'a'))).toBe(true)
    expect(outranks(fact('invitee.accepted'), fact('invitee.rejected', 'a'))).toBe(true)
    expect(outranks(fact('invitee.rejected'), fact('invitee.timedOut', 'a'))).toBe(true)
    expect(outranks(fact('invitee.timedOut'), fact('timer.expired', 'a'))).toBe(true)
    expect(outranks(fact('invitee.accepted', 'a'), fact('invitee.accepted', 'b'))).toBe(true)
  })
})

describe('inviteeMachine', () => {
  it('reaches every outcome from pending', () => {
    const events = (['inviter.cancelled', 'inviter.timedOut', 'invitee.accepted', 'invitee.rejected', 'invitee.timedOut', 'timer.expired'] as const).map(
      (type): InviteeEvent => ({ type, actionID: 'a', data: '', userID: 'bob', deviceID: 'phone' }),
    )
    const reached = new Set(getShortestPaths(inviteeMachine, { events }).map((path) => String(path.state.value)))
    expect([...reached].sort()).toEqual(['accepted', 'cancelled', 'pending', 'rejected', 'timedOut'])
  })

  it('tags only pending as answerable', () => {
    for (const [name, node] of Object.entries(inviteeMachine.root.states)) {
      expect(node.tags.includes('answerable')).toBe(name === 'pending')
    }
  })
})
