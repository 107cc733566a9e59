/**
 * Ended invitations (tombstones) as bob's phone holds them: what each answers is its own, however
 * many ended alike beside it (a layout that shared anything between tombstones, such as a list of
 * their invitee's code, must keep it so), and the time it ended at is the server time, however far
 * the times the state counts from move while it is held (a layout that counted it from the state's
 * epoch must move it with the epoch). Only the first tombstone has a timer, its removal, which
 * removes every tombstone then due: each goes once its retention is over, none before, none left.
 */
import { fc, test } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { ActionType, defaultLimits, getInvitation, initialState, restoreState, snapshotOf, step, type Effect, type EngineConfig, type EngineState, type Input } from '@beckon/core'

const T0 = 1_000_000
const DAY = 24 * 60 * 60_000
const config: EngineConfig = { userID: 'bob', deviceID: 'phone', limits: defaultLimits, trace: false }

const connected = (limits = defaultLimits): EngineState => {
  const state = initialState({ ...config, limits })
  step(state, { type: 'connection.changed', state: 'connected', now: T0 })
  return state
}

/** Alice's message about `inviteID`, sent (and taken by the server) at `at`. */
const fromAlice = (inviteID: string, actionType: ActionType, at: number, timeout = 30): Input => ({
  type: 'message.received',
  now: at,
  message: { messageID: `m-${inviteID}-${at}`, sender: 'alice', senderDevice: 'laptop', conversation: { kind: 'user', userID: 'alice' }, payload: '', serverTime: at, fromMyOtherDevice: false, modified: false },
  envelope: { businessID: 1, inviteID, groupID: '', inviter: 'alice', inviteeList: ['bob'], data: 'room', timeout, actionType, onlineUserOnly: false, beckon: { actionID: `a-${inviteID}-${at}` } },
})

/** Bob's answer to one invitation and what the IM does with it. */
interface Answer {
  readonly type: 'command.accept' | 'command.reject'
  readonly data: string
  readonly refused: boolean
}

const answer: fc.Arbitrary<Answer> = fc.record({ type: fc.constantFrom('command.accept' as const, 'command.reject' as const), data: fc.constantFrom('', 'ok'), refused: fc.boolean() })

/**
 * Invitation `k`'s inputs, by phase: its invite, bob's answer (which ends it here at once), the IM
 * taking or refusing that answer (a refusal makes bob pending again), then a late copy of the invite.
 */
const phasesOf = (k: number, { type, data, refused }: Answer): Input[][] => {
  const inviteID = `inv-${k}`
  const actionID = `answer-${k}`
  const settled: Input = refused
    ? { type: 'send.failed', now: T0 + 200 + k, sendID: actionID, failure: { _tag: 'TransportFailed', detail: 'refused' } }
    : { type: 'send.taken', now: T0 + 200 + k, sendID: actionID, receipt: { messageID: `m-${actionID}`, serverTime: T0 + 200 + k } }
  return [[fromAlice(inviteID, ActionType.invite, T0 + k)], [{ type, commandID: `c-${k}`, now: T0 + 100 + k, actionID, inviteID, data }], [settled], [fromAlice(inviteID, ActionType.invite, T0 + k)]]
}

/** A step's effects but its timers': only the first tombstone has one, so they depend on what else is held. */
const untimed = (effects: readonly Effect[]) => effects.filter((effect) => effect.type !== 'timer.set' && effect.type !== 'timer.clear')

/** The timers armed after `effects` (a shell's view: a set moves the key's timer, a clear removes it). */
const follow = (armed: Map<string, number>, effects: readonly Effect[]) => {
  for (const effect of effects) {
    if (effect.type === 'timer.set') armed.set(effect.key, effect.at)
    if (effect.type === 'timer.clear') armed.delete(effect.key)
  }
}

describe('a tombstone', () => {
  test.prop([fc.array(answer, { minLength: 2, maxLength: 6 })])(
    'answers for itself alone: its view, its saved form and what each input about it does (timers aside) are what they are when it is the only invitation held',
    (answers) => {
      const together = connected()
      const phases = answers.map((a, k) => phasesOf(k, a))
      const effects: unknown[][] = answers.map(() => [])
      for (let phase = 0; phase < 4; phase++) {
        for (const [k, inputs] of phases.entries()) for (const input of inputs[phase]!) effects[k]!.push(untimed(step(together, input).effects))
      }
      for (const [k, inputs] of phases.entries()) {
        const alone = connected()
        const own = inputs.flat().map((input) => untimed(step(alone, input).effects))
        expect(own).toEqual(effects[k])
        expect(getInvitation(together, `inv-${k}`)).toEqual(getInvitation(alone, `inv-${k}`))
        expect(snapshotOf(together).invitations.find((saved) => saved.inviteID === `inv-${k}`)).toEqual(snapshotOf(alone).invitations[0])
      }
    },
  )

  test.prop([fc.array(fc.record({ answer, at: fc.integer({ min: 0, max: 30_000 }) }), { minLength: 1, maxLength: 8 })])(
    'is removed by the timers the engine arms once its retention is over: none before, none left held',
    (plan) => {
      const bob = connected()
      const armed = new Map<string, number>()
      // Invitations end at their own times (in the order bob answers, not the order they came).
      const order = plan.map((p, k) => ({ ...p, k })).sort((a, b) => a.at - b.at || a.k - b.k)
      for (const { k } of order) follow(armed, step(bob, fromAlice(`inv-${k}`, ActionType.invite, T0 + k)).effects)
      for (const { k, at, answer: { type, data, refused } } of order) {
        const actionID = `answer-${k}`
        follow(armed, step(bob, { type, commandID: `c-${k}`, now: T0 + 100 + at, actionID, inviteID: `inv-${k}`, data }).effects)
        const settled: Input = refused
          ? { type: 'send.failed', now: T0 + 100 + at, sendID: actionID, failure: { _tag: 'TransportFailed', detail: 'refused' } }
          : { type: 'send.taken', now: T0 + 100 + at, sendID: actionID, receipt: { messageID: `m-${actionID}`, serverTime: T0 + 100 + at } }
        follow(armed, step(bob, settled).effects)
      }
      // Fire the earliest armed timer until none is left, as a shell's clock would.
      for (let fired = 0; armed.size > 0; fired++) {
        expect(fired).toBeLessThan(100)
        const [key, now] = [...armed].sort((a, b) => a[1] - b[1])[0]!
        armed.delete(key)
        const before = snapshotOf(bob).invitations
        follow(armed, step(bob, { type: 'timer.fired', key, now, actionID: `t-${fired}` }).effects)
        const held = new Set(snapshotOf(bob).invitations.map((saved) => saved.inviteID))
        for (const gone of before.filter((saved) => !held.has(saved.inviteID))) {
          expect(gone.endedAt).not.toBeNull()
          expect(now).toBeGreaterThanOrEqual(gone.endedAt! + defaultLimits.retentionMs)
        }
      }
      expect(snapshotOf(bob).invitations).toEqual([])
    },
  )

  it('ended at the server time it ended at: saved, restored and removed at it, after the times the state counts from moved while it was held', () => {
    const limits = { ...defaultLimits, retentionMs: 60 * DAY }
    const bob = connected(limits)
    step(bob, fromAlice('one', ActionType.invite, T0))
    step(bob, fromAlice('one', ActionType.cancel, T0 + 5))
    // An invitation three weeks later, while the tombstone is held: past what is counted in a small integer.
    step(bob, fromAlice('two', ActionType.invite, T0 + 21 * DAY, 0))
    const saved = snapshotOf(bob).invitations
    expect(saved.map((invitation) => [invitation.inviteID, invitation.endedAt])).toEqual([
      ['one', T0 + 5],
      ['two', null],
    ])
    const again = E.getOrElseW((why: string) => {
      throw new Error(why)
    })(restoreState(snapshotOf(bob), { ...config, limits }))
    // Connected, the restored one gets its ring decision again; then it is as it was saved.
    step(again, { type: 'connection.changed', state: 'connected', now: T0 + 21 * DAY })
    expect(snapshotOf(again).invitations).toEqual(saved)
    for (const state of [bob, again]) {
      // Its removal is due at its end plus the retention, not before.
      expect(step(state, { type: 'timer.fired', key: 'one', now: T0 + 5 + limits.retentionMs - 1, actionID: 'early' }).effects).toContainEqual(
        expect.objectContaining({ type: 'timer.set', key: 'one', at: T0 + 5 + limits.retentionMs }),
      )
      step(state, { type: 'timer.fired', key: 'one', now: T0 + 5 + limits.retentionMs, actionID: 'gc' })
      expect(getInvitation(state, 'one')).toBeUndefined()
    }
  })

  it('dropped early past the bound on tombstones leaves the server time it ended at as its inviter\'s mark', () => {
    const bob = connected({ ...defaultLimits, maxEndedInvitations: 1 })
    step(bob, fromAlice('one', ActionType.invite, T0))
    step(bob, fromAlice('one', ActionType.cancel, T0 + 5))
    step(bob, fromAlice('two', ActionType.invite, T0 + 10))
    step(bob, fromAlice('two', ActionType.cancel, T0 + 15))
    expect(snapshotOf(bob).forgottenUpTo).toEqual({ alice: T0 + 5 })
  })

  // The law: past the bound on tombstones, every inviter's mark younger than the retention period
  // is kept (it still guards late copies), and the marks older than it that are still held are
  // never more than the young ones (with the least sweep's worth allowed), however many inviters
  // flood the device: the table stays within twice its useful size.
  it('keeps every young mark and sweeps the old ones, with thousands of inviters flooding past the bound', () => {
    const limits = { ...defaultLimits, maxEndedInvitations: 1 }
    const bob = connected(limits)
    const spacing = limits.retentionMs / 500 // 500 inviters' ends within any retention period
    for (let k = 0; k < 5_000; k++) {
      const at = T0 + k * spacing
      const inviter = `user-${k}`
      const from = (actionType: ActionType, t: number): Input => {
        const input = fromAlice(`invite-${k}`, actionType, t) as Extract<Input, { type: 'message.received' }>
        return { ...input, message: { ...input.message, sender: inviter, conversation: { kind: 'user', userID: inviter } }, envelope: { ...input.envelope, inviter } }
      }
      step(bob, from(ActionType.invite, at))
      step(bob, from(ActionType.cancel, at + 1))
      if (k % 37 !== 0) continue
      const marks = Object.entries(snapshotOf(bob).forgottenUpTo ?? {})
      const now = at + 1
      const young = marks.filter(([, upTo]) => upTo >= now - limits.retentionMs)
      // Inviters 0 .. k - 1 were dropped early (k's tombstone is the one held); the young are those ended within the period.
      const expectedYoung = Array.from({ length: k }, (_, j) => j).filter((j) => T0 + j * spacing + 1 >= now - limits.retentionMs)
      expect(young.map(([inviter]) => inviter).sort()).toEqual(expectedYoung.map((j) => `user-${j}`).sort())
      expect(marks.length - young.length).toBeLessThanOrEqual(Math.max(64, young.length))
    }
  })
})
