/**
 * Restoring a snapshot whose invitee states were changed on disk: a state is saved as its index
 * in the invitee machine, and an index the machine does not have must be refused, naming the
 * invitation and the field, rather than read as another state or as none.
 */
import { fc, test } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import { expect } from 'vitest'
import { ActionType, defaultLimits, getInvitation, initialState, restoreState, snapshotOf, step, type EngineConfig, type EngineSnapshot } from '@beckon/core'

const T0 = 1_000_000
const config: EngineConfig = { userID: 'bob', deviceID: 'phone', limits: defaultLimits, trace: false }

/** Bob's phone after alice's invitation `one` to bob and carol, with carol's answer of `type` heard. */
const saved = (type: ActionType): EngineSnapshot => {
  const bob = initialState(config)
  step(bob, { type: 'connection.changed', state: 'connected', now: T0 })
  const envelope = { businessID: 1 as const, inviteID: 'one', groupID: 'g', inviter: 'alice', inviteeList: ['bob', 'carol'], data: '', timeout: 30, onlineUserOnly: false }
  const conversation = { kind: 'group', groupID: 'g' } as const
  const message = (sender: string, at: number) => ({ messageID: `m-${at}`, sender, senderDevice: 'd', conversation, payload: '', serverTime: at, fromMyOtherDevice: false, modified: false })
  step(bob, { type: 'message.received', now: T0, message: message('alice', T0), envelope: { ...envelope, actionType: ActionType.invite, beckon: { actionID: 'a-invite' } } })
  step(bob, { type: 'message.received', now: T0 + 1, message: message('carol', T0 + 1), envelope: { ...envelope, inviteeList: ['carol'], actionType: type, beckon: { actionID: 'a-answer' } } })
  return snapshotOf(bob)
}

const withStates = (snapshot: EngineSnapshot, states: number[]): unknown => ({ ...snapshot, invitations: snapshot.invitations.map((invitation) => ({ ...invitation, states })) })

test.prop([fc.constantFrom(ActionType.accept, ActionType.reject), fc.oneof(fc.integer({ max: -1 }), fc.integer({ min: 5 }), fc.double({ noInteger: true, noNaN: true, noDefaultInfinity: true }))])(
  'a snapshot with an invitee state the invitee machine does not have (a finite number that is no index of its five states) is refused, naming the invitation, the field and what it held',
  (answer, code) => {
    const result = restoreState(withStates(saved(answer), [0, code]), config)
    expect(result).toEqual(E.left(`invitation one: states: expected integers from 0 to 4, got ${JSON.stringify([0, code])}`))
  },
)

test.prop([fc.constantFrom(ActionType.accept, ActionType.reject)])('a snapshot as saved restores every invitee in the state it was saved in', (answer) => {
  const snapshot = saved(answer)
  const restored = restoreState(snapshot, config)
  if (E.isLeft(restored)) throw new Error(restored.left)
  expect(getInvitation(restored.right, 'one')?.invitees.map((invitee) => invitee.state)).toEqual(['pending', answer === ActionType.accept ? 'accepted' : 'rejected'])
})

test.prop([fc.integer({ min: 5 })])('a snapshot of another device is refused as such first, whatever its states hold', (code) => {
  expect(restoreState(withStates(saved(ActionType.accept), [0, code]), { ...config, deviceID: 'watch' })).toEqual(E.left('the snapshot belongs to bob/phone'))
})
