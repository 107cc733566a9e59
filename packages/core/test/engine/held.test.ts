/**
 * Messages about an invitation a device does not know yet (answers that overtook their group
 * invite) are held until the invite comes. Held messages are told apart by their sender and
 * action id alone: a message is held when no message with the same pair was held for that
 * invitation before it, and is otherwise reported as a copy, however many are held, and the same
 * whether the state was saved and restored in between (a restored state has no set of the pairs
 * held yet: it makes one from the list). A copy is reported as one even when the cap on held
 * messages is reached.
 */
import { fc, test } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { ActionType, defaultLimits, initialState, restoreState, snapshotOf, step, type EngineConfig, type EngineState, type Input } from '@beckon/core'

const T0 = 1_000_000
const config: EngineConfig = { userID: 'observer', deviceID: 'tab', limits: defaultLimits, trace: false }

const connected = (limits = defaultLimits): EngineState => {
  const state = initialState({ ...config, limits })
  step(state, { type: 'connection.changed', state: 'connected', now: T0 })
  return state
}

/** `sender`'s answer with action id `actionID` to the group invitation `big`, not known here yet. */
const answerOf = (sender: string, actionID: string, k: number): Input => ({
  type: 'message.received',
  now: T0 + 10 + k,
  message: { messageID: `m-${k}`, sender, senderDevice: 'phone', conversation: { kind: 'group', groupID: 'room' }, payload: '', serverTime: T0 + 10 + k, fromMyOtherDevice: false, modified: false },
  envelope: { businessID: 1, inviteID: 'big', groupID: 'room', inviter: 'host', inviteeList: [sender], data: '', timeout: 30, actionType: ActionType.accept, onlineUserOnly: false, beckon: { actionID } },
})

/** The host's invite to `big`, naming `invitees`, sent before every answer. */
const inviteOf = (invitees: string[]): Input => ({
  type: 'message.received',
  now: T0 + 100_000,
  message: { messageID: 'm-invite', sender: 'host', senderDevice: 'desk', conversation: { kind: 'group', groupID: 'room' }, payload: '', serverTime: T0 + 5, fromMyOtherDevice: false, modified: false },
  envelope: { businessID: 1, inviteID: 'big', groupID: 'room', inviter: 'host', inviteeList: invitees, data: '', timeout: 30, actionType: ActionType.invite, onlineUserOnly: false, beckon: { actionID: 'invite' } },
})

/** What the engine said of a message it could not apply: `held`, `duplicate` or another reason. */
const verdictOf = (state: EngineState, input: Input): string | undefined => {
  const reasons = step(state, input).effects.flatMap((effect) => (effect.type === 'diagnostic' ? [effect.diagnostic.reason] : []))
  return reasons[0]
}

const restored = (state: EngineState): EngineState => {
  const again = restoreState(JSON.parse(JSON.stringify(snapshotOf(state))), config)
  if (E.isLeft(again)) throw new Error(again.left)
  return again.right
}

// Senders and action ids whose concatenations meet ('a' + 'bc' and 'ab' + 'c'): the pair, not the
// joined text, is what must tell them apart.
const senders = ['a', 'ab', 'member-1', 'member-2']
const actionIDs = ['bc', 'c', 'x', 'y', 'z']

describe('held messages', () => {
  test.prop([
    fc.nat(24),
    fc.array(fc.tuple(fc.nat(senders.length - 1), fc.nat(actionIDs.length - 1)), { minLength: 1, maxLength: 40 }),
    fc.option(fc.nat(64), { nil: undefined }),
  ])(
    'a message is held iff no message from its sender with its action id is held for the invitation, however many are held and across a restore',
    (others, messages, restoreAt) => {
      let state = connected()
      const seen = new Set<string>()
      // `others` distinct answers first, so the messages drawn meet short lists and long ones.
      const inputs = [...Array.from({ length: others }, (_, k) => [`member-${k}`, `answer-${k}`] as const), ...messages.map(([s, a]) => [senders[s]!, actionIDs[a]!] as const)]
      for (const [k, [sender, actionID]] of inputs.entries()) {
        if (k === restoreAt) state = restored(state)
        const pair = JSON.stringify([sender, actionID])
        expect(verdictOf(state, answerOf(sender, actionID, k))).toBe(seen.has(pair) ? 'duplicate' : 'held')
        seen.add(pair)
      }
      expect(state.heldCount).toBe(seen.size)
    },
  )

  it('holds thousands of answers for one invite, each copy reported once, and drops their index when the invite comes', () => {
    const state = connected()
    const n = 3_000
    const verdicts = new Map<string | undefined, number>()
    const count = (verdict: string | undefined): void => void verdicts.set(verdict, (verdicts.get(verdict) ?? 0) + 1)
    for (let k = 0; k < n; k++) count(verdictOf(state, answerOf(`member-${k}`, `answer-${k}`, k)))
    for (let k = 0; k < n; k += 7) count(verdictOf(state, answerOf(`member-${k}`, `answer-${k}`, n + k)))
    expect(Object.fromEntries(verdicts)).toEqual({ held: n, duplicate: Math.ceil(n / 7) })
    expect(state.heldKeys.size).toBe(1)
    const { effects } = step(state, inviteOf(Array.from({ length: n }, (_, k) => `member-${k}`)))
    expect(effects.filter((effect) => effect.type === 'notify' && effect.notification.type === 'onInviteeAccepted')).toHaveLength(n)
    expect(state.heldCount).toBe(0)
    expect(state.heldKeys.size).toBe(0)
  })

  it('reports a copy as a copy when the cap on held messages is reached', () => {
    const state = connected({ ...defaultLimits, maxHeldMessages: 20 })
    for (let k = 0; k < 20; k++) expect(verdictOf(state, answerOf(`member-${k}`, `answer-${k}`, k))).toBe('held')
    expect(verdictOf(state, answerOf('member-3', 'answer-3', 30))).toBe('duplicate')
    expect(verdictOf(state, answerOf('member-30', 'answer-30', 31))).toBe('limit-held')
  })
})
