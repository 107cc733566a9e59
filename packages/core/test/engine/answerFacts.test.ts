/**
 * A received answer's fact is applied without an object of its own per answer: these check that no
 * answer's fact is changed by the answers after it, where a fact outlives its step (one that lost
 * to this device's command in flight, and comes back when the IM refuses that command) and where
 * it does not (the decision it leaves), for small groups (looked up by a scan) and larger ones
 * (looked up through the invitee index).
 */
import { describe, expect, it } from 'vitest'
import { ActionType, defaultLimits, getInvitation, initialState, step, type Effect, type EngineState, type Envelope, type IncomingMessage, type Input } from '@beckon/core'

const T0 = 1_000_000
const inviteID = 'g-1'

const invitation = (size: number): string[] => ['bob', 'carol', ...Array.from({ length: size - 2 }, (_, i) => `member-${i}`)]

const received = (sender: string, senderDevice: string, actionType: ActionType, inviteeList: readonly string[], data: string, actionID: string, at: number): Input => {
  const envelope: Envelope = { businessID: 1, inviteID, groupID: 'room', inviter: 'alice', inviteeList, data, timeout: 60, actionType, onlineUserOnly: false, beckon: { actionID } }
  const message: IncomingMessage = {
    messageID: `m-${actionID}`,
    sender,
    senderDevice,
    conversation: { kind: 'group', groupID: 'room' },
    payload: '',
    serverTime: at,
    fromMyOtherDevice: false,
    modified: false,
  }
  return { type: 'message.received', message, envelope, now: at }
}

/** Bob's phone, connected, holding alice's group invitation to `invitees`. */
const bobsPhone = (invitees: readonly string[], trace = false): EngineState => {
  const state = initialState({ userID: 'bob', deviceID: 'phone', limits: defaultLimits, trace })
  step(state, { type: 'connection.changed', state: 'connected', now: T0, actionID: 'connect' })
  step(state, received('alice', 'desk', ActionType.invite, invitees, 'call', 'invite', T0))
  return state
}

const decisionOf = (state: EngineState, invitee: string) => {
  const view = getInvitation(state, inviteID)?.invitees.find((entry) => entry.userID === invitee)
  return view && { decidedBy: view.decidedBy, data: view.data, deviceID: view.deviceID }
}

const notifications = (effects: readonly Effect[]) => effects.flatMap((effect) => (effect.type === 'notify' ? [effect.notification] : []))

describe.each([3, 40])('answers to a group of %i', (size) => {
  it('a fact that lost to this device’s command in flight comes back as it arrived when the IM refuses the command, whatever answers came since', () => {
    const state = bobsPhone(invitation(size))
    const accepted = step(state, { type: 'command.accept', commandID: 'c1', inviteID, data: 'from phone', now: T0 + 1, actionID: 'p-1' }).effects
    const send = accepted.find((effect) => effect.type === 'send')
    expect(send?.type).toBe('send')
    // Bob's tablet rejects meanwhile: a reject loses to the accept in flight.
    const lost = step(state, received('bob', 'tablet', ActionType.reject, ['bob'], 'from tablet', 't-1', T0 + 2))
    expect(lost.effects).toContainEqual(expect.objectContaining({ type: 'diagnostic', diagnostic: expect.objectContaining({ reason: 'outranked' }) }))
    // Then others answer.
    step(state, received('carol', 'laptop', ActionType.accept, ['carol'], 'from carol', 'c-1', T0 + 3))
    step(state, received(invitation(size)[size - 1]!, 'web', ActionType.reject, [invitation(size)[size - 1]!], 'from last', 'l-1', T0 + 4))
    if (send?.type !== 'send') return
    const refused = step(state, { type: 'send.failed', sendID: send.sendID, failure: { _tag: 'Disconnected', detail: 'gone' }, now: T0 + 5 }).effects
    expect(decisionOf(state, 'bob')).toEqual({ decidedBy: 'invitee.rejected', data: 'from tablet', deviceID: 'tablet' })
    expect(notifications(refused)).toEqual([{ type: 'onInviteeRejected', inviteID, invitee: 'bob', data: 'from tablet' }])
  })

  it('each answer leaves its own decision and notification, unchanged by the answers after it', () => {
    const invitees = invitation(size)
    const state = bobsPhone(invitees)
    const heard = invitees.slice(1).flatMap((invitee, k) => {
      const [type, actionType] = k % 2 === 0 ? (['onInviteeAccepted', ActionType.accept] as const) : (['onInviteeRejected', ActionType.reject] as const)
      const { effects } = step(state, received(invitee, `device-${k}`, actionType, [invitee], `data-${k}`, `a-${k}`, T0 + 10 + k))
      expect(notifications(effects)).toEqual([{ type, inviteID, invitee, data: `data-${k}` }])
      return [[invitee, { decidedBy: k % 2 === 0 ? 'invitee.accepted' : 'invitee.rejected', data: `data-${k}`, deviceID: `device-${k}` }] as const]
    })
    for (const [invitee, decision] of heard) expect(decisionOf(state, invitee)).toEqual(decision)
  })

  it('a trace effect keeps the fact of its answer after the next answers', () => {
    const invitees = invitation(size)
    const state = bobsPhone(invitees, true)
    const traced = invitees.slice(1).map((invitee, k) => {
      const { effects } = step(state, received(invitee, `device-${k}`, ActionType.accept, [invitee], `data-${k}`, `a-${k}`, T0 + 10 + k))
      return effects.find((effect) => effect.type === 'trace')
    })
    traced.forEach((effect, k) => {
      expect(effect?.type === 'trace' && effect.event).toEqual({ type: 'invitee.accepted', actionID: `a-${k}`, data: `data-${k}`, userID: invitees[k + 1], deviceID: `device-${k}` })
    })
  })
})
