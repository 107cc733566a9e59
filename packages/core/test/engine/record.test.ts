/**
 * The invitation record's layout: what 1:1 invitations share, what an invitee's device does not
 * keep, and that snapshots hold every field whatever the layout, and restore from earlier ones.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { ActionType, defaultLimits, initialState, listInvitations, restoreState, snapshotOf, step, type EngineConfig, type EngineState, type Input } from '@beckon/core'

const T0 = 1_000_000
const bobConfig: EngineConfig = { userID: 'bob', deviceID: 'phone', limits: defaultLimits, trace: false }

const connected = (config: EngineConfig): EngineState => {
  const state = initialState(config)
  step(state, { type: 'connection.changed', state: 'connected', now: T0 })
  return state
}

/** A message from `inviter` (alice); `modified`: a modification (a replaced invite). */
const fromAlice = (inviteID: string, actionType: ActionType, at: number, data = 'room', inviter = 'alice', modified = false): Input => ({
  type: 'message.received',
  now: at,
  message: { messageID: `m-${inviteID}-${at}`, sender: inviter, senderDevice: 'laptop', conversation: { kind: 'user', userID: inviter }, payload: '', serverTime: at, fromMyOtherDevice: false, modified },
  envelope: { businessID: 1, inviteID, groupID: '', inviter, inviteeList: ['bob'], data, timeout: 30, actionType, onlineUserOnly: false, beckon: { actionID: `a-${inviteID}-${at}` } },
})

const restored = (snapshot: unknown, config: EngineConfig): EngineState =>
  E.getOrElseW((why: string) => {
    throw new Error(why)
  })(restoreState(snapshot, config))

describe('the 1:1 invitation record', () => {
  it("shares one invitee list, and the extras holding it, between the untouched invitations that name the same invitee, and keeps the invite's message id only at the inviter's devices", () => {
    const bob = connected(bobConfig)
    step(bob, fromAlice('one', ActionType.invite, T0))
    step(bob, fromAlice('two', ActionType.invite, T0 + 1, 'room', 'carol'))
    const [one, two] = [bob.invitations.get('one')!, bob.invitations.get('two')!]
    expect(one.extras.invitees).toEqual(['bob'])
    expect(two.extras).toBe(one.extras)
    // The first fact makes the extras the invitation's own; the list is still the shared one.
    step(bob, fromAlice('two', ActionType.cancel, T0 + 2, 'room', 'carol'))
    expect(two.extras).not.toBe(one.extras)
    expect(two.extras.invitees).toBe(one.extras.invitees)
    expect(one.extras.endedAt).toBeNull()
    expect([one.inviteMessageID, two.inviteMessageID]).toEqual(['', ''])

    const alice = connected({ ...bobConfig, userID: 'alice', deviceID: 'laptop' })
    step(alice, { type: 'command.invite', commandID: 'c1', now: T0, actionID: 'i1', inviteID: 'three', groupID: '', inviteeList: ['bob'], data: '', timeout: 30, onlineUserOnly: false })
    step(alice, { type: 'send.taken', now: T0 + 5, actionID: 'x', sendID: 'i1', receipt: { messageID: 'm-three', serverTime: T0 + 5 } })
    expect(alice.invitations.get('three')?.inviteMessageID).toBe('m-three')
  })

  it('is saved with every field, a modified one and an untouched one alike, and restores to what was saved', () => {
    const bob = connected(bobConfig)
    step(bob, fromAlice('one', ActionType.invite, T0))
    step(bob, fromAlice('two', ActionType.invite, T0 + 1))
    step(bob, fromAlice('two', ActionType.invite, T0 + 2, 'room 2', 'alice', true))
    const snapshot = snapshotOf(bob)
    const [one, two] = snapshot.invitations
    expect(one).toMatchObject({ inviteID: 'one', data: 'room', dataVersion: null, provisional: false, deferred: [], inviteMessageID: '' })
    expect(two).toMatchObject({ inviteID: 'two', data: 'room 2', dataVersion: [T0 + 2, `a-two-${T0 + 2}`, 0], provisional: false, deferred: [] })
    // Restored, each gets its ring decision again once connected; then it is as it was saved.
    const again = restored(snapshot, bobConfig)
    step(again, { type: 'connection.changed', state: 'connected', now: T0 + 3 })
    expect(snapshotOf(again)).toEqual(snapshot)
  })

  it('restores from a snapshot written before (every field in full, the message id kept at the invitee) and goes on alike', () => {
    const bob = connected(bobConfig)
    step(bob, fromAlice('one', ActionType.invite, T0))
    const now = snapshotOf(bob)
    const before = { ...now, invitations: now.invitations.map((invitation) => ({ ...invitation, inviteMessageID: `m-one-${T0}`, states: [0], decisions: [null] })) }
    const [a, b] = [restored(now, bobConfig), restored(before, bobConfig)]
    const accept: Input = { type: 'command.accept', commandID: 'c', now: T0 + 100, actionID: 'acc', inviteID: 'one', data: 'ok' }
    for (const input of [{ type: 'connection.changed', state: 'connected', now: T0 + 50 } as Input, accept]) expect(step(b, input).effects).toEqual(step(a, input).effects)
    expect(listInvitations(b)).toEqual(listInvitations(a))
  })
})

describe('the server time an invitation was taken at', () => {
  const DAY = 24 * 60 * 60_000

  it('reads the same when invitations weeks apart are held at once (the times kept small move together), and is saved as a server time', () => {
    const bob = connected(bobConfig)
    const times = [T0, T0 + 20 * DAY, T0 + 20 * DAY + 7, T0 + 45 * DAY]
    for (const [k, at] of times.entries()) {
      const invite = fromAlice(`i${k}`, ActionType.invite, at)
      // Open-ended: nothing ends them however far apart they are.
      if (invite.type === 'message.received') step(bob, { ...invite, envelope: { ...invite.envelope, timeout: 0 } })
    }
    expect(listInvitations(bob).map((view) => view.serverTime)).toEqual(times)
    expect(snapshotOf(bob).invitations.map((invitation) => invitation.takenAt)).toEqual(times)
    const again = restored(snapshotOf(bob), bobConfig)
    expect(listInvitations(again).map((view) => view.serverTime)).toEqual(times)
  })

  it('gives the deadline from the server time, before and after the state held no invitation', () => {
    const bob = connected(bobConfig)
    step(bob, fromAlice('one', ActionType.invite, T0))
    expect(listInvitations(bob)[0]).toMatchObject({ serverTime: T0, deadline: T0 + 30_000 })
    step(bob, { type: 'timer.fired', key: 'one', now: T0 + 30_000, actionID: 'timeout' })
    step(bob, { type: 'timer.fired', key: 'one', now: T0 + 30_000 + defaultLimits.retentionMs, actionID: 'gc' })
    expect(listInvitations(bob)).toEqual([])
    step(bob, fromAlice('two', ActionType.invite, T0 + 30 * DAY))
    expect(listInvitations(bob)[0]).toMatchObject({ serverTime: T0 + 30 * DAY, deadline: T0 + 30 * DAY + 30_000 })
  })
})
