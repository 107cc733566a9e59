/**
 * The receipt of a modification that a concurrent one already outranks (SPEC §8 "Two
 * modifications in one server millisecond"), driven through `step` as alice's phone: the IM's
 * receipt and the laptop's modification race, which the embedded IM never lets happen.
 */
import { describe, expect, it } from 'vitest'
import { defaultLimits, encodeEnvelope, initialState, step, type Effect, type EngineState, type Envelope, type IncomingMessage } from '@beckon/core'

const T = 1_000_000
const config = { userID: 'alice', deviceID: 'phone', limits: defaultLimits, trace: false }

const settled = (effects: readonly Effect[], commandID: string) => effects.find((effect) => effect.type === 'settle' && effect.commandID === commandID)

/** alice's phone holds an invite to bob taken at T, then modifies it to 'from phone' (seq 1). */
const modifying = () => {
  const state: EngineState = initialState(config)
  step(state, { type: 'connection.changed', state: 'connected', now: T, actionID: 'x-0' })
  step(state, { type: 'command.invite', commandID: 'c-1', inviteID: 'inv', groupID: '', inviteeList: ['bob'], data: 'room 1', timeout: 30, onlineUserOnly: false, now: T, actionID: 'm-1' })
  step(state, { type: 'send.taken', sendID: 'm-1', receipt: { messageID: 'msg-1', serverTime: T }, now: T, actionID: 'x-1' })
  const { effects } = step(state, { type: 'command.modify', commandID: 'c-2', inviteID: 'inv', data: 'from phone', now: T + 1_000, actionID: 'm-2' })
  const replace = effects.find((effect) => effect.type === 'replace')
  return { state, replace }
}

/** The laptop's modification of the same invite, with the given server time and action id (seq 1: it had seen none). */
const fromLaptop = (serverTime: number, actionID: string): { message: IncomingMessage; envelope: Envelope } => {
  const envelope: Envelope = { businessID: 1, inviteID: 'inv', groupID: '', inviter: 'alice', inviteeList: ['bob'], data: 'from laptop', timeout: 30, actionType: 1, onlineUserOnly: false, beckon: { actionID, seq: 1 } }
  const message: IncomingMessage = {
    messageID: 'msg-1',
    sender: 'alice',
    senderDevice: 'laptop',
    conversation: { kind: 'user', userID: 'bob' },
    payload: encodeEnvelope(envelope),
    serverTime,
    fromMyOtherDevice: true,
    modified: true,
  }
  return { message, envelope }
}

describe('the receipt of a modification', () => {
  it('carries a sequence number above what the device holds', () => {
    const { replace } = modifying()
    expect(replace?.type === 'replace' ? replace.envelope.beckon : undefined).toEqual({ actionID: 'm-2', seq: 1 })
  })

  it('fails the call (8016) when a concurrent modification of the same server millisecond outranked it first', () => {
    // Arrange: the laptop's, in the same millisecond and with a larger action id, arrives before the receipt
    const { state } = modifying()
    step(state, { type: 'message.received', ...fromLaptop(T + 1_000, 'z-1'), now: T + 1_000, actionID: 'x-2' })
    // Act
    const { effects } = step(state, { type: 'send.taken', sendID: 'm-2', receipt: { messageID: 'msg-1', serverTime: T + 1_000 }, now: T + 1_000, actionID: 'x-3' })
    // Assert
    const settle = settled(effects, 'c-2')
    expect(settle?.type === 'settle' && settle.result._tag === 'Left' ? settle.result.left._tag : settle).toBe('Outranked')
    expect(state.invitations.get('inv')?.data).toBe('from laptop')
  })

  it('resolves when the modification that replaced it is from a later millisecond', () => {
    const { state } = modifying()
    step(state, { type: 'message.received', ...fromLaptop(T + 2_000, 'a-1'), now: T + 2_000, actionID: 'x-2' })
    const { effects } = step(state, { type: 'send.taken', sendID: 'm-2', receipt: { messageID: 'msg-1', serverTime: T + 1_000 }, now: T + 2_000, actionID: 'x-3' })
    const settle = settled(effects, 'c-2')
    expect(settle?.type === 'settle' ? settle.result._tag : undefined).toBe('Right')
    expect(state.invitations.get('inv')?.data).toBe('from laptop')
  })

  it('resolves and holds when the concurrent one ranks below it', () => {
    const { state } = modifying()
    step(state, { type: 'message.received', ...fromLaptop(T + 1_000, 'a-1'), now: T + 1_000, actionID: 'x-2' })
    const { effects } = step(state, { type: 'send.taken', sendID: 'm-2', receipt: { messageID: 'msg-1', serverTime: T + 1_000 }, now: T + 1_000, actionID: 'x-3' })
    const settle = settled(effects, 'c-2')
    expect(settle?.type === 'settle' ? settle.result._tag : undefined).toBe('Right')
    expect(state.invitations.get('inv')?.data).toBe('from phone')
  })
})
