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
import { outcome, SECOND, World, type Party } from '../support/world.js'

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
// Open-ended invitations: the call engine's hang-up notice
// -------------------------------------------------------------------------------------------------

describe("TUICallEngine's hang-up notice (a new invitation, timeout 0, never cancelled)", () => {
  const hangUp = payloadOf('callengine/group-hangup-notice')

  /** b1's device in group g, with alice (TUICallEngine) sending to it. */
  const groupCall = async (limits = {}) => {
    const world = new World()
    const b1 = world.join('b1', { signaling: { limits } })
    await b1.transport.createGroup('g', ['alice'])
    await world.settle()
    const fromAlice = (payload: string): IncomingMessage =>
      world.im.inject({ userID: 'b1' }, { sender: 'alice', senderDevice: 'web', conversation: { kind: 'group', groupID: 'g' }, payload })
    return { world, b1, fromAlice }
  }

  it('is shown once, has no deadline, and stays open', async () => {
    const { world, b1, fromAlice } = await groupCall()
    fromAlice(hangUp)
    await world.settle()
    expect(rings(b1)).toHaveLength(1)
    expect(rings(b1)[0]).toMatch(/^onReceiveNewInvitation\(d1d94225-7be0-43fa-9042-61e316d57a12, alice, g, \[b1\], .*hangup/)
    expect(b1.signaling.getInvitation(idOf(hangUp))).toMatchObject({ timeout: 0, deadline: null, active: true })
  })

  it("never keeps the caller's next real call from ringing, however many notices it left open", async () => {
    // Arrange: the notice, then 150 more like it (each a new invitation), all left open.
    const { world, b1, fromAlice } = await groupCall()
    fromAlice(hangUp)
    for (let i = 0; i < 150; i++) fromAlice(variant('callengine/group-hangup-notice', { inviteID: `notice-${i}` }))
    await world.settle()
    world.clearLog()
    // Act: a real call from alice.
    const call = variant('callengine/group-hangup-notice', { inviteID: 'real-call', timeout: 30, data: 'video call' })
    fromAlice(call)
    await world.settle()
    // Assert
    expect(rings(b1)).toEqual(['onReceiveNewInvitation(real-call, alice, g, [b1], "video call")'])
    expect(b1.signaling.diagnosticCounts()['limit-inviter']).toBeUndefined()
  })

  it('retires the oldest open-ended invitation first, silently, and counts it', async () => {
    const { world, b1, fromAlice } = await groupCall({ maxActivePerInviter: 3 })
    fromAlice(hangUp)
    for (let i = 0; i < 4; i++) fromAlice(variant('callengine/group-hangup-notice', { inviteID: `notice-${i}` }))
    await world.settle()
    const active = b1.signaling.listInvitations().filter((view) => view.active).map((view) => view.inviteID)
    expect(active.sort()).toEqual(['notice-1', 'notice-2', 'notice-3'])
    expect(b1.signaling.diagnosticCounts().retired).toBe(2)
    expect(b1.calls().filter((call) => !call.startsWith('onReceiveNewInvitation('))).toEqual([])
  })

  it('does not ring again for a retired notice whose copy arrives late', async () => {
    const { world, b1, fromAlice } = await groupCall({ maxActivePerInviter: 1 })
    const first = fromAlice(hangUp)
    fromAlice(variant('callengine/group-hangup-notice', { inviteID: 'notice-0' }))
    await world.settle()
    world.clearLog()
    world.im.inject({ userID: 'b1' }, { ...first, messageID: 'a late copy' })
    await world.settle()
    expect(b1.calls()).toEqual([])
    expect(b1.signaling.getInvitation(idOf(hangUp))?.active).toBe(false)
  })

  it("never fails the user's own invitations", async () => {
    const { world, b1, fromAlice } = await groupCall({ maxActiveInvitations: 20 })
    for (let i = 0; i < 30; i++) fromAlice(variant('callengine/group-hangup-notice', { inviteID: `notice-${i}` }))
    for (let i = 0; i < 30; i++) expect(await outcome(b1.signaling.inviteInGroup('g', ['alice'], 'my notice', { timeout: 0 }))).toBe('resolved')
    await world.settle()
    expect(await outcome(b1.signaling.inviteInGroup('g', ['alice'], 'my real call', { timeout: 30 }))).toBe('resolved')
    expect(b1.signaling.listInvitations().filter((view) => view.active).length).toBeLessThanOrEqual(20)
  })
})

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
    const { world, atTx } = await setup()
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
