/**
 * How a device behaves when Tencent's own Web clients talk to it: the exact envelopes of
 * `test/vectors/tencent-web-envelopes.json`, fed through `MemoryIm.inject` with the sender,
 * conversation and server time the IM would give them (SPEC §8).
 *
 * - TUICallEngine ends a call with a new invitation (timeout 0, `cmd: "hangup"`) that it never
 *   cancels: such open-ended invitations must never block a real call or the user's own invites.
 * - The Web SDK puts online-only on the IM message, not in the envelope: the invitation is
 *   online-only all the same, and so are its follow-ups.
 * - The Web SDK's modification of a group invitation lists only the invitees still pending: it is
 *   the same invitation.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { IncomingMessage } from '@beckon/core'
import { SECOND, World, type Party } from '../support/world.js'

const vectors = new Map(
  (JSON.parse(readFileSync(new URL('../vectors/tencent-web-envelopes.json', import.meta.url), 'utf8')) as { vectors: { name: string; payload: string }[] }).vectors.map(
    (v) => [v.name, v.payload] as const,
  ),
)

const payloadOf = (name: string): string => {
  const payload = vectors.get(name)
  if (payload === undefined) throw new Error(`no vector ${name}`)
  return payload
}

/** The vector's envelope with some keys changed (another invitation of the same shape). */
const variant = (name: string, changes: Record<string, unknown>): string => JSON.stringify({ ...(JSON.parse(payloadOf(name)) as object), ...changes })

const idOf = (payload: string): string => (JSON.parse(payload) as { inviteID: string }).inviteID

const rings = (party: Party): string[] => party.calls().filter((call) => call.startsWith('onReceiveNewInvitation('))

// -------------------------------------------------------------------------------------------------
// Online-only on the message
// -------------------------------------------------------------------------------------------------

describe("the Web SDK's online-only invite (the flag on the IM message, not in the envelope)", () => {
  const setup = async () => {
    const world = new World()
    const tx = world.join('tx')
    const bx = world.join('bx')
    const atTx: IncomingMessage[] = []
    tx.transport.onMessage((message) => atTx.push(message))
    await world.settle()
    return { world, tx, bx, atTx }
  }

  it('makes an online-only invitation, whose answer is sent online-only', async () => {
    const { world, bx, atTx } = await setup()
    const payload = payloadOf('chat/c2c-invite-onlineUserOnly')
    world.im.inject({ userID: 'bx' }, { sender: 'tx', senderDevice: 'web', conversation: { kind: 'user', userID: 'tx' }, payload, onlineUserOnly: true })
    await world.settle()
    expect(rings(bx)).toEqual([`onReceiveNewInvitation(${idOf(payload)}, tx, '', [bx], x)`])
    expect(bx.signaling.getInvitation(idOf(payload))?.onlineUserOnly).toBe(true)
    await bx.signaling.accept(idOf(payload), 'ok')
    await world.settle()
    expect(atTx.map((m) => [JSON.parse(m.payload).actionType, m.onlineUserOnly])).toEqual([[3, true]])
  })

  it('sends its own timeout online-only too', async () => {
    const { world, bx, atTx } = await setup()
    const payload = payloadOf('chat/c2c-invite-onlineUserOnly')
    world.im.inject({ userID: 'bx' }, { sender: 'tx', senderDevice: 'web', conversation: { kind: 'user', userID: 'tx' }, payload, onlineUserOnly: true })
    await world.advance(31 * SECOND)
    expect(atTx.map((m) => [JSON.parse(m.payload).actionType, m.onlineUserOnly])).toEqual([[5, true]])
  })

  it('reads as online-only in getSignalingInfo', async () => {
    const { world, bx } = await setup()
    const payload = payloadOf('chat/c2c-invite-onlineUserOnly')
    const message = world.im.inject({ userID: 'bx' }, { sender: 'tx', senderDevice: 'web', conversation: { kind: 'user', userID: 'tx' }, payload, onlineUserOnly: true })
    expect(bx.signaling.getSignalingInfo(message)?.onlineUserOnly).toBe(true)
    expect(bx.signaling.getSignalingInfo(payload)?.onlineUserOnly).toBe(false)
  })

  it('keeps a stored invite stored, and its answer too', async () => {
    const { world, bx, atTx } = await setup()
    const payload = payloadOf('tsignaling/c2c-invite')
    world.im.inject({ userID: 'bx' }, { sender: 'tx', senderDevice: 'web', conversation: { kind: 'user', userID: 'tx' }, payload, onlineUserOnly: false })
    await world.settle()
    expect(bx.signaling.getInvitation(idOf(payload))?.onlineUserOnly).toBe(false)
    await bx.signaling.accept(idOf(payload), 'ok')
    await world.settle()
    expect(atTx.map((m) => [JSON.parse(m.payload).actionType, m.onlineUserOnly])).toEqual([[3, false]])
  })
})

// -------------------------------------------------------------------------------------------------
// A modification that lists a subset
// -------------------------------------------------------------------------------------------------

describe("the Web SDK's group modification after an answer (only the still-pending invitees listed)", () => {
  const modified = payloadOf('chat/group-modify-after-answer')
  const id = idOf(modified)

  /** b2's device: teacher invited b1, b2 and b3 in g2, and b1 accepted. */
  const answered = async () => {
    const world = new World()
    const b2 = world.join('b2')
    const start = world.im.clock.now()
    const inject = (sender: string, payload: string, extra: Partial<IncomingMessage> = {}) =>
      world.im.inject({ userID: 'b2' }, { sender, senderDevice: 'web', conversation: { kind: 'group', groupID: 'g2' }, payload, ...extra })
    inject('teacher', variant('chat/group-modify-after-answer', { inviteeList: ['b1', 'b2', 'b3'], data: 'v1' }), { messageID: 'invite', serverTime: start })
    await world.advance(SECOND)
    inject('b1', JSON.stringify({ businessID: 1, timeout: 0, data: 'yes', inviteID: id, groupID: 'g2', actionType: 3, inviter: 'teacher', inviteeList: ['b1'] }))
    await world.advance(SECOND)
    return { world, b2, inject }
  }

  it('is applied: the new data, reported once, the same invitees', async () => {
    const { world, b2, inject } = await answered()
    world.clearLog()
    inject('teacher', modified, { messageID: 'invite', modified: true })
    await world.settle()
    expect(b2.calls()).toEqual([`onInvitationModified(${id}, v2)`])
    expect(b2.signaling.diagnosticCounts()['forged-sender']).toBeUndefined()
    const view = b2.signaling.getInvitation(id)
    expect(view?.data).toBe('v2')
    expect(view?.invitees.map((i) => `${i.userID}:${i.state}`)).toEqual(['b1:accepted', 'b2:pending', 'b3:pending'])
  })

  it('leaves the invitation answerable: the cancel that follows ends the one it lists', async () => {
    const { world, b2, inject } = await answered()
    inject('teacher', modified, { messageID: 'invite', modified: true })
    await world.settle()
    world.clearLog()
    inject('teacher', payloadOf('chat/group-cancel'))
    await world.settle()
    expect(b2.calls()).toEqual([`onInvitationCancelled(${id}, teacher, stop, [b2])`])
    expect(b2.signaling.getInvitation(id)?.invitees.map((i) => `${i.userID}:${i.state}`)).toEqual(['b1:accepted', 'b2:cancelled', 'b3:pending'])
  })

  it('is refused when it adds an invitee', async () => {
    const { world, b2, inject } = await answered()
    world.clearLog()
    inject('teacher', variant('chat/group-modify-after-answer', { inviteeList: ['b2', 'zed'] }), { messageID: 'invite', modified: true })
    await world.settle()
    expect(b2.calls()).toEqual([])
    expect(b2.signaling.diagnosticCounts()['forged-sender']).toBe(1)
    expect(b2.signaling.getInvitation(id)?.data).toBe('v1')
  })
})
