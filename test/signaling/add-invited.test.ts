/**
 * `addInvitedSignaling` (SPEC §2, §3 "Offline"): an invitation learned out of band is held like an
 * arrived invite would be — only if it concerns this user, only the inviter it names may confirm
 * it, and whatever it is given, a bad info rejects the promise with 6017 saying what is wrong.
 */
import { describe, expect, it } from 'vitest'
import { encodeEnvelope, SignalingError, type SignalingInfo } from '@beckon/core'
import { SECOND, TIMEOUT_S, World } from '../support/world.js'

/** How a call ended: `resolved`, or the code and message it rejected with; a synchronous throw is caught too. */
const settle = async (call: () => Promise<unknown>): Promise<{ code: number | string; message: string }> => {
  try {
    await call()
    return { code: 'resolved', message: '' }
  } catch (error) {
    if (error instanceof SignalingError) return { code: error.code, message: error.message }
    return { code: 'threw something else', message: String(error) }
  }
}

/** Whether the call threw before returning its promise. */
const throwsSynchronously = (call: () => Promise<unknown>): boolean => {
  try {
    call().catch(() => undefined)
    return false
  } catch {
    return true
  }
}

/** bob is online but alice's invite is still in flight: bob learns of it out of band first, without a server time. */
const inFlightInvite = async () => {
  const world = new World()
  const alice = world.join('alice')
  const bob = world.join('bob')
  const mallory = world.join('mallory')
  world.im.hold()
  const id = await alice.signaling.invite('bob', 'room 1', { timeout: TIMEOUT_S })
  const invite = world.im.inFlight().find((d) => d.to.userID === 'bob')!
  const { serverTime: _unknown, ...info } = bob.signaling.getSignalingInfo(invite.payload)!
  return { world, alice, bob, mallory, id, invite, info: info as SignalingInfo }
}

describe('addInvitedSignaling: who may confirm a provisional invitation', () => {
  it('keeps the deadline of the inviter it names when another sender reuses its id first', async () => {
    // Arrange: bob holds alice's invitation provisionally; 8 s later mallory sends an invite with the same id
    const { world, bob, mallory, id, invite, info } = await inFlightInvite()
    await bob.signaling.addInvitedSignaling(info)
    await world.advance(8 * SECOND)
    const forged = { ...info, inviter: 'mallory', data: 'hijacked' }
    await mallory.transport.send({ kind: 'user', userID: 'bob' }, encodeEnvelope({ ...forged, beckon: { actionID: 'm-1' } }), { onlineUserOnly: false })
    const hijack = world.im.inFlight().find((d) => d.from === 'mallory')!
    // Act: mallory's arrives first, then alice's
    world.im.deliver(hijack.id)
    world.im.deliver(invite.id)
    await world.settle()
    // Assert
    const view = bob.signaling.getInvitation(id)
    expect({ inviter: view?.inviter, data: view?.data, deadline: view?.deadline }).toEqual({
      inviter: 'alice',
      data: 'room 1',
      deadline: invite.serverTime + TIMEOUT_S * SECOND,
    })
    expect(bob.signaling.diagnosticCounts()['forged-sender']).toBe(1)
  })

  it('is not confirmed by an invite of its inviter that describes another invitation', async () => {
    // Arrange: the provisional info says 60 s, the invite that arrives 30 s
    const { world, bob, id, invite, info } = await inFlightInvite()
    await bob.signaling.addInvitedSignaling({ ...info, timeout: 60 })
    // Act
    world.im.deliver(invite.id)
    await world.settle()
    // Assert: the guess stays a guess (its own timeout), and the mismatch is reported
    expect(bob.signaling.getInvitation(id)?.timeout).toBe(60)
    expect(bob.signaling.diagnosticCounts()['forged-sender']).toBe(1)
  })

  it('is confirmed by the invite of the inviter it names: its server time replaces the guess', async () => {
    const { world, bob, id, invite, info } = await inFlightInvite()
    await bob.signaling.addInvitedSignaling(info)
    await world.advance(8 * SECOND)
    world.im.deliver(invite.id)
    await world.settle()
    expect(bob.signaling.getInvitation(id)?.deadline).toBe(invite.serverTime + TIMEOUT_S * SECOND)
  })
})

describe('addInvitedSignaling: only invitations that concern this user', () => {
  it('refuses with 6017 a 1:1 invitation addressed to someone else, and holds nothing', async () => {
    const { bob, info } = await inFlightInvite()
    const result = await settle(() => bob.signaling.addInvitedSignaling({ ...info, inviteeList: ['carol'] }))
    expect(result.code).toBe(6017)
    expect(result.message).toMatch(/not .*bob|bob is not/)
    expect(bob.signaling.listInvitations()).toEqual([])
  })

  it('never reports a timeout for such an invitation', async () => {
    const { world, bob, info } = await inFlightInvite()
    const timeouts: string[] = []
    bob.signaling.addSignalingListener({ onInvitationTimeout: (id, list) => timeouts.push(`${id} [${list.join(', ')}]`) })
    await settle(() => bob.signaling.addInvitedSignaling({ ...info, inviteID: 'alice-to-carol', inviteeList: ['carol'] }))
    await world.advance(2 * TIMEOUT_S * SECOND)
    expect(timeouts.filter((line) => line.startsWith('alice-to-carol'))).toEqual([])
  })
})

describe('addInvitedSignaling: bad input rejects with 6017 saying what is wrong', () => {
  const cyclic = (): unknown[] => {
    const list: unknown[] = ['bob']
    list.push(list)
    return list
  }
  const withThrowingGetter = (info: SignalingInfo, field: string): SignalingInfo => {
    const copy: Record<string, unknown> = { ...info }
    Object.defineProperty(copy, field, { enumerable: true, get: () => { throw new Error('no access') } })
    return copy as unknown as SignalingInfo
  }
  const cases: [string, (info: SignalingInfo) => unknown, RegExp][] = [
    ['a BigInt timeout', (info) => ({ ...info, timeout: 30n }), /timeout.*expected.*30n/],
    ['a BigInt serverTime', (info) => ({ ...info, serverTime: 5n }), /serverTime.*expected.*5n/],
    ['a cyclic invitee list', (info) => ({ ...info, inviteeList: cyclic() }), /inviteeList.*expected/],
    ['a cyclic info', (info) => { const self: Record<string, unknown> = { ...info, data: undefined }; self.data = self; return self }, /data.*expected.*string/],
    ['a throwing getter', (info) => withThrowingGetter(info, 'inviteID'), /inviteID.*no access/],
    ['a number for inviteID', (info) => ({ ...info, inviteID: 42 }), /inviteID.*expected.*42/],
    ['a missing inviter', (info) => ({ ...info, inviter: undefined }), /inviter.*expected.*undefined/],
    ['an empty invitee list', (info) => ({ ...info, inviteeList: [] }), /inviteeList.*expected.*\[\]/],
    ['a negative timeout', (info) => ({ ...info, timeout: -1 }), /timeout.*expected.*-1/],
    ['a string', () => 'an invite', /info.*expected.*"an invite"/],
    ['an array', () => [], /info.*expected/],
  ]

  it.each(cases)('%s', async (_name, bad, says) => {
    const { bob, info } = await inFlightInvite()
    const call = () => bob.signaling.addInvitedSignaling(bad(info) as SignalingInfo)
    expect(throwsSynchronously(call)).toBe(false)
    const result = await settle(call)
    expect(result.code).toBe(6017)
    expect(result.message).toMatch(says)
    expect(bob.signaling.listInvitations()).toEqual([])
  })

  it('reads null for an optional field as absent', async () => {
    const { bob, id, info } = await inFlightInvite()
    const withNulls = { ...info, groupID: null, onlineUserOnly: null } as unknown as SignalingInfo
    expect((await settle(() => bob.signaling.addInvitedSignaling(withNulls))).code).toBe('resolved')
    expect(bob.signaling.getInvitation(id)?.groupID).toBe('')
  })
})
