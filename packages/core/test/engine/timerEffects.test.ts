/**
 * The timer effects of whole 1:1 lifecycles: the engine keeps one timer per active invitation,
 * keyed by its invite id and set for its earliest deadline, and one for the tombstones (the removal
 * of the one that ended first); it moves a timer rather than clearing and setting, and clears only
 * what it armed, so the shell does no work for timers that never existed.
 */
import { describe, expect, it } from 'vitest'
import { ActionType, defaultLimits, initialState, step, type Effect, type Input } from '@beckon/core'

const T0 = 1_000_000
const retention = defaultLimits.retentionMs

const connected = (userID: string, deviceID: string, limits = defaultLimits) => {
  const state = initialState({ userID, deviceID, limits, trace: false })
  step(state, { type: 'connection.changed', state: 'connected', now: T0, actionID: 'connect' })
  return state
}

/** Each step's effects as lines: the type, and for timers the key, the time after T0 and the kind. */
const run = (userID: string, deviceID: string, inputs: readonly Input[], limits = defaultLimits): string[][] => {
  const state = connected(userID, deviceID, limits)
  return inputs.map((input) =>
    step(state, input).effects.map((effect: Effect) =>
      effect.type === 'timer.set'
        ? `timer.set ${effect.key} +${effect.at - T0} ${effect.deadline ? 'deadline' : 'removal'}`
        : effect.type === 'timer.clear'
          ? `timer.clear ${effect.key}`
          : effect.type,
    ),
  )
}

const envelope = (actionType: ActionType, inviteeList: string[], actionID: string, inviteID = 'one', groupID = '') =>
  ({ businessID: 1, inviteID, groupID, inviter: 'alice', inviteeList, data: '', timeout: 30, actionType, onlineUserOnly: false, beckon: { actionID } }) as const

const message = (sender: string, senderDevice: string, serverTime: number, messageID: string) =>
  ({ messageID, sender, senderDevice, conversation: { kind: 'user', userID: sender }, payload: '', serverTime, fromMyOtherDevice: false, modified: false }) as const

describe('timer effects of a 1:1 lifecycle', () => {
  it('the inviter arms its +5 s deadline, moves it to the tombstone on the answer, and clears nothing at removal', () => {
    const effects = run('alice', 'laptop', [
      { type: 'command.invite', commandID: 'c1', now: T0, actionID: 'a1', inviteID: 'one', groupID: '', inviteeList: ['bob'], data: '', timeout: 30, onlineUserOnly: false },
      { type: 'send.taken', now: T0 + 30, actionID: 'a2', sendID: 'a1', receipt: { messageID: 'm1', serverTime: T0 + 20 } },
      { type: 'message.received', now: T0 + 2_050, actionID: 'a3', message: message('bob', 'phone', T0 + 2_000, 'm2'), envelope: envelope(ActionType.accept, ['bob'], 'b1') },
      { type: 'timer.fired', now: T0 + 2_050 + retention, actionID: 'a4', key: 'one' },
    ])
    expect(effects).toEqual([
      ['send'],
      ['timer.set one +35020 deadline', 'settle'],
      ['notify', `timer.set one +${2_050 + retention} removal`],
      [],
    ])
  })

  it('the invitee arms its own deadline (no local expiry: it is the only invitee), and moves it to the tombstone when it answers', () => {
    const effects = run('bob', 'phone', [
      { type: 'message.received', now: T0 + 50, actionID: 'b1', message: message('alice', 'laptop', T0, 'm1'), envelope: envelope(ActionType.invite, ['bob'], 'a1') },
      { type: 'command.accept', commandID: 'c1', now: T0 + 1_500, actionID: 'b2', inviteID: 'one', data: '' },
      { type: 'send.taken', now: T0 + 1_530, actionID: 'b3', sendID: 'b2', receipt: { messageID: 'm2', serverTime: T0 + 1_520 } },
      { type: 'timer.fired', now: T0 + 1_500 + retention, actionID: 'b4', key: 'one' },
    ])
    expect(effects).toEqual([
      ['timer.set one +30000 deadline', 'notify'],
      ['send', `timer.set one +${1_500 + retention} removal`],
      ['settle'],
      [],
    ])
  })

  it('a tombstone dropped before its retention is over has its removal timer cleared', () => {
    const invite = (inviteID: string, at: number): Input => ({
      type: 'message.received', now: at, actionID: `i-${inviteID}`, message: message('alice', 'laptop', at, `m-${inviteID}`), envelope: envelope(ActionType.invite, ['bob'], `a-${inviteID}`, inviteID),
    })
    const cancel = (inviteID: string, at: number): Input => ({
      type: 'message.received', now: at, actionID: `x-${inviteID}`, message: message('alice', 'laptop', at, `c-${inviteID}`), envelope: envelope(ActionType.cancel, ['bob'], `c-${inviteID}`, inviteID),
    })
    const effects = run('bob', 'phone', [invite('one', T0), cancel('one', T0 + 100), invite('two', T0 + 200), cancel('two', T0 + 300)], { ...defaultLimits, maxEndedInvitations: 1 })
    // `two` ends behind `one` (its deadline cleared), `one` goes early (its removal cleared), and `two` is first now.
    expect(effects[3]).toEqual(['notify', 'timer.clear two', 'timer.clear one', 'diagnostic', `timer.set two +${300 + retention} removal`])
  })

  it('only the first tombstone has a timer: its removal removes every tombstone then due and arms the next', () => {
    const invite = (inviteID: string, at: number): Input => ({
      type: 'message.received', now: at, actionID: `i-${inviteID}`, message: message('alice', 'laptop', at, `m-${inviteID}`), envelope: envelope(ActionType.invite, ['bob'], `a-${inviteID}`, inviteID),
    })
    const cancel = (inviteID: string, at: number): Input => ({
      type: 'message.received', now: at, actionID: `x-${inviteID}`, message: message('alice', 'laptop', at, `c-${inviteID}`), envelope: envelope(ActionType.cancel, ['bob'], `c-${inviteID}`, inviteID),
    })
    const fired = (key: string, at: number): Input => ({ type: 'timer.fired', now: at, actionID: `t-${key}-${at}`, key })
    const effects = run('bob', 'phone', [
      invite('one', T0), invite('two', T0 + 10), invite('three', T0 + 20),
      cancel('one', T0 + 100), cancel('two', T0 + 200), cancel('three', T0 + 200),
      fired('one', T0 + 100 + retention), fired('two', T0 + 200 + retention),
    ])
    expect(effects.slice(3)).toEqual([
      ['notify', `timer.set one +${100 + retention} removal`],
      ['notify', 'timer.clear two'],
      ['notify', 'timer.clear three'],
      [`timer.set two +${200 + retention} removal`],
      [],
    ])
  })

  // The shell keeps a timer's record number in its invitation and finds it there by the invite id;
  // a dropped tombstone has left the state by the time its clear is carried out, so the clear names it.
  it('the clear of a tombstone dropped early names the invitation the state no longer holds', () => {
    const state = connected('bob', 'phone', { ...defaultLimits, maxEndedInvitations: 1 })
    const received = (actionType: ActionType, inviteID: string, at: number): Input => ({
      type: 'message.received', now: at, actionID: `r-${inviteID}-${actionType}`, message: message('alice', 'laptop', at, `m-${inviteID}-${actionType}`), envelope: envelope(actionType, ['bob'], `a-${inviteID}-${actionType}`, inviteID),
    })
    const clears = (input: Input) => step(state, input).effects.filter((effect) => effect.type === 'timer.clear')
    clears(received(ActionType.invite, 'one', T0))
    const one = state.invitations.get('one')
    expect(one).toBeDefined()
    clears(received(ActionType.cancel, 'one', T0 + 100))
    clears(received(ActionType.invite, 'two', T0 + 200))
    const cleared = clears(received(ActionType.cancel, 'two', T0 + 300))
    expect(state.invitations.has('one')).toBe(false)
    // `two`'s deadline (it ended behind `one`), then `one`'s removal.
    expect(cleared.map((effect) => effect.key)).toEqual(['two', 'one'])
    expect(cleared[1]?.invitation).toBe(one)
  })
})

describe('timer effects of a group invitation', () => {
  it("a member's one timer serves its own deadline, then the local expiry of the others, then the tombstone", () => {
    const invite: Input = {
      type: 'message.received',
      now: T0 + 50,
      actionID: 'b1',
      message: { ...message('alice', 'laptop', T0, 'm1'), conversation: { kind: 'group', groupID: 'g' } },
      envelope: envelope(ActionType.invite, ['bob', 'carol'], 'a1', 'one', 'g'),
    }
    const effects = run('bob', 'phone', [
      invite,
      { type: 'timer.fired', now: T0 + 30_000, actionID: 'b2', key: 'one' },
      { type: 'timer.fired', now: T0 + 40_000, actionID: 'b3', key: 'one' },
    ])
    expect(effects).toEqual([
      ['timer.set one +30000 deadline', 'notify'],
      ['notify', 'send', 'timer.set one +40000 deadline'],
      ['notify', `timer.set one +${40_000 + retention} removal`],
    ])
  })

  it('a timer that fires early (a fast local clock) is set again for the same deadline, and does nothing else', () => {
    const effects = run('bob', 'phone', [
      { type: 'message.received', now: T0 + 50, actionID: 'b1', message: message('alice', 'laptop', T0, 'm1'), envelope: envelope(ActionType.invite, ['bob'], 'a1') },
      { type: 'timer.fired', now: T0 + 29_000, actionID: 'b2', key: 'one' },
    ])
    expect(effects[1]).toEqual(['timer.set one +30000 deadline'])
  })
})
