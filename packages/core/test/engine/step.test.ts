/**
 * The engine as a deterministic function of its inputs: driven with abstract scripts of inputs (messages from alice and
 * carol, bob's own commands, the IM's answers, timers, connection changes) as bob's phone.
 */
import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import {
  decodeEnvelope as decode,
  defaultLimits,
  encodeEnvelope,
  initialState,
  listInvitations,
  restoreState,
  snapshotOf,
  step,
  type Effect,
  type EngineState,
  type IncomingMessage,
  type Input,
} from '@beckon/core'
import * as E from 'fp-ts/lib/Either.js'
import { compiledInviteeMachine } from '../../src/machine/compile.js'

const config = { userID: 'bob', deviceID: 'phone', limits: defaultLimits, trace: false }
const T0 = 1_000_000

type Move =
  | { readonly kind: 'invite'; readonly id: number; readonly group: boolean; readonly timeout: number }
  | { readonly kind: 'message'; readonly id: number; readonly from: 'alice' | 'carol'; readonly action: 2 | 3 | 4 | 5; readonly data: string }
  | { readonly kind: 'command'; readonly id: number; readonly type: 'command.accept' | 'command.reject' }
  | { readonly kind: 'taken' | 'refused' }
  | { readonly kind: 'timer' }
  | { readonly kind: 'connection'; readonly connected: boolean }
  | { readonly kind: 'wait'; readonly ms: number }

const inviteID = (id: number) => `inv-${id}`

const move: fc.Arbitrary<Move> = fc.oneof(
  fc.record({ kind: fc.constant('invite' as const), id: fc.nat(2), group: fc.boolean(), timeout: fc.constantFrom(0, 5, 30) }),
  fc.record({ kind: fc.constant('message' as const), id: fc.nat(2), from: fc.constantFrom('alice' as const, 'carol' as const), action: fc.constantFrom(2 as const, 3 as const, 4 as const, 5 as const), data: fc.constantFrom('', 'x') }),
  fc.record({ kind: fc.constant('command' as const), id: fc.nat(2), type: fc.constantFrom('command.accept' as const, 'command.reject' as const) }),
  fc.record({ kind: fc.constantFrom('taken' as const, 'refused' as const) }),
  fc.record({ kind: fc.constant('timer' as const) }),
  fc.record({ kind: fc.constant('connection' as const), connected: fc.boolean() }),
  fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 20_000 }) }),
)

/** Turns abstract moves into concrete inputs, reading effects to know what is in flight and armed. */
const driver = () => {
  let now = T0
  let counter = 0
  const sends: string[] = []
  const timers = new Map<string, number>()
  const fresh = () => `a${String(++counter).padStart(5, '0')}`
  const groups = new Map<number, boolean>()
  const observe = (effects: readonly Effect[]) => {
    for (const effect of effects) {
      if (effect.type === 'send' || effect.type === 'replace') sends.push(effect.sendID)
      if (effect.type === 'timer.set') timers.set(effect.key, effect.at)
      if (effect.type === 'timer.clear') timers.delete(effect.key)
    }
  }
  const message = (id: number, sender: string, payload: object): IncomingMessage => {
    const group = groups.get(id) ?? false
    return {
      messageID: fresh(),
      sender,
      senderDevice: 'd',
      conversation: group ? { kind: 'group', groupID: 'g' } : { kind: 'user', userID: sender },
      payload: encodeEnvelope({ businessID: 1, inviteID: inviteID(id), groupID: group ? 'g' : '', inviter: 'alice', inviteeList: group ? ['bob', 'carol'] : ['bob'], data: '', timeout: 5, actionType: 1, onlineUserOnly: false, ...payload }),
      serverTime: now,
      fromMyOtherDevice: false,
      modified: false,
    }
  }
  const toInput = (m: Move): Input | undefined => {
    const stamp = { now, actionID: fresh() }
    switch (m.kind) {
      case 'invite': {
        groups.set(m.id, m.group)
        const msg = message(m.id, 'alice', { timeout: m.timeout, beckon: { actionID: fresh() } })
        return { type: 'message.received', message: msg, envelope: E.getOrElseW(() => undefined)(decode(msg.payload))!, ...stamp }
      }
      case 'message': {
        const list = m.from === 'alice' ? (groups.get(m.id) ? ['bob', 'carol'] : ['bob']) : ['carol']
        const msg = message(m.id, m.from, { actionType: m.action, inviteeList: list, data: m.data, beckon: { actionID: fresh() } })
        return { type: 'message.received', message: msg, envelope: E.getOrElseW(() => undefined)(decode(msg.payload))!, ...stamp }
      }
      case 'command':
        return { type: m.type, commandID: fresh(), inviteID: inviteID(m.id), data: 'mine', ...stamp }
      case 'taken':
      case 'refused': {
        const sendID = sends.shift()
        if (sendID === undefined) return undefined
        return m.kind === 'taken'
          ? { type: 'send.taken', sendID, receipt: { messageID: fresh(), serverTime: now }, ...stamp }
          : { type: 'send.failed', sendID, failure: { _tag: 'Disconnected', detail: 'gone' }, ...stamp }
      }
      case 'timer': {
        const due = [...timers].sort((a, b) => a[1] - b[1])[0]
        if (due === undefined) return undefined
        timers.delete(due[0])
        now = Math.max(now, due[1])
        return { type: 'timer.fired', key: due[0], now, actionID: stamp.actionID }
      }
      case 'connection':
        return { type: 'connection.changed', state: m.connected ? 'connected' : 'disconnected', ...stamp }
      case 'wait':
        now += m.ms
        return undefined
    }
  }
  return { toInput, observe }
}

/** Runs a script; returns every input and every step's effects. */
const play = (moves: readonly Move[], state: EngineState = initialState(config)) => {
  const d = driver()
  const inputs: Input[] = []
  const effects: (readonly Effect[])[] = []
  for (const m of moves) {
    const input = d.toInput(m)
    if (input === undefined) continue
    inputs.push(input)
    const result = step(state, input)
    d.observe(result.effects)
    effects.push(result.effects)
  }
  return { state, inputs, effects }
}

const json = (state: EngineState) => JSON.stringify(snapshotOf(state))

describe('step', () => {
  // Law (determinism): the engine reads nothing but its inputs — the same script gives the same
  // effects and the same state, every time.
  test.prop([fc.array(move, { maxLength: 40 })])('is deterministic', (moves) => {
    const a = play(moves)
    const b = play(moves)
    expect(b.effects).toEqual(a.effects)
    expect(json(b.state)).toBe(json(a.state))
  })

  // Law (plain data): the state survives JSON — restoring a snapshot taken at any point and
  // replaying the rest of the inputs gives the same state as never having stopped, except that a
  // restored instance makes every active invitation's ring decision again (its app forgot) and
  // keeps the data its app was shown until that decision.
  test.prop([fc.array(move, { maxLength: 40 }), fc.nat()])('state restored from JSON continues as if never stopped', (moves, cut) => {
    const whole = play(moves)
    const at = cut % (whole.inputs.length + 1)
    const first = initialState(config)
    for (const input of whole.inputs.slice(0, at)) step(first, input)
    const snapshot = JSON.parse(JSON.stringify(snapshotOf(first))) as unknown
    const restored = E.getOrElseW((why: string) => {
      throw new Error(why)
    })(restoreState(snapshot, config))
    // In-flight commands die with the instance (their promises are gone): compare without them.
    const pending = first.inFlight.size
    fc.pre(pending === 0)
    restored.connected = first.connected
    for (const input of whole.inputs.slice(at)) step(restored, input)
    const withoutRing = (state: EngineState) =>
      JSON.stringify(snapshotOf(state).invitations.map(({ presented: _p, deferred: _d, shownData: _s, ...rest }) => rest))
    expect(withoutRing(restored)).toBe(withoutRing(whole.state))
    expect(restored.heldCount).toBe(whole.state.heldCount)
  })

  // Law (a copy to hold): `step` updates the state it is given, so the docs say to keep a
  // `structuredClone` to hold an old one. Such a copy, taken at any point, is a state of its own:
  // stepped with the rest of the inputs it gives what the original gives (the same effects, the
  // same invitations and saved form), and stepping it leaves the original as it was.
  test.prop([fc.array(move, { maxLength: 40 }), fc.nat()])('a structuredClone of a state steps as the state does, and apart from it', (moves, cut) => {
    const whole = play(moves)
    const at = cut % (whole.inputs.length + 1)
    const original = initialState(config)
    for (const input of whole.inputs.slice(0, at)) step(original, input)
    const before = json(original)
    const copy = structuredClone(original)
    const copied = whole.inputs.slice(at).map((input) => step(copy, input).effects)
    expect(json(original)).toBe(before)
    expect(copied).toEqual(whole.inputs.slice(at).map((input) => step(original, input).effects))
    expect(listInvitations(copy)).toEqual(listInvitations(original))
    expect(json(copy)).toBe(json(original))
  })

  // Law (older snapshots): earlier versions wrote every invitation's `states` and `decisions` in
  // full, one entry per invitee, where this one leaves both empty until an invitee is decided. A
  // snapshot written either way restores to an engine that does the same from then on: the same
  // effects, and the same invitations as the app sees them.
  test.prop([fc.array(move, { maxLength: 40 }), fc.nat()])('a snapshot with its lists written in full (as before) restores to the same behaviour', (moves, cut) => {
    const whole = play(moves)
    const at = cut % (whole.inputs.length + 1)
    const first = initialState(config)
    for (const input of whole.inputs.slice(0, at)) step(first, input)
    const snapshot = JSON.parse(JSON.stringify(snapshotOf(first))) as { invitations: { invitees: string[]; states: number[]; decisions: unknown[] }[] }
    const written = JSON.parse(JSON.stringify(snapshot)) as typeof snapshot
    for (const invitation of written.invitations) {
      invitation.states = invitation.invitees.map((_, i) => invitation.states[i] ?? compiledInviteeMachine.initial)
      invitation.decisions = invitation.invitees.map((_, i) => invitation.decisions[i] ?? null)
    }
    const restore = (from: unknown) =>
      E.getOrElseW((why: string) => {
        throw new Error(why)
      })(restoreState(from, config))
    const [now, before] = [restore(snapshot), restore(written)]
    for (const input of whole.inputs.slice(at)) expect(step(before, input).effects).toEqual(step(now, input).effects)
    expect(listInvitations(before)).toEqual(listInvitations(now))
  })

  // Law: an input the engine rejects (a message from someone who may not send it) changes nothing.
  test.prop([fc.array(move, { maxLength: 30 }), fc.nat(2), fc.constantFrom(2, 5)])('a forged cancel or timeout leaves the state as it was', (moves, id, action) => {
    const { state } = play(moves)
    const before = json(state)
    const forged: IncomingMessage = {
      messageID: 'forged',
      sender: 'mallory',
      senderDevice: 'x',
      conversation: { kind: 'user', userID: 'mallory' },
      payload: '',
      serverTime: T0,
      fromMyOtherDevice: false,
      modified: false,
    }
    const envelope = { businessID: 1 as const, inviteID: inviteID(id), groupID: '', inviter: 'alice', inviteeList: ['bob'], data: '', timeout: 5, actionType: action as 2 | 5, onlineUserOnly: false }
    fc.pre(state.invitations.has(inviteID(id)))
    const { effects } = step(state, { type: 'message.received', message: forged, envelope, now: T0, actionID: 'z' })
    expect(json(state)).toBe(before)
    expect(effects.map((e) => e.type)).toEqual(['diagnostic'])
  })
})
