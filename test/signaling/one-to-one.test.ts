/**
 * 1:1 invitations (SPEC §2, §3 "Who sees what", "Rules"): the invite rings the invitee, the
 * answer goes back to the inviter, a cancel goes to the invitee, and every command that cannot
 * take effect rejects with its `SignalingError` code.
 */
import { describe, expect, it } from 'vitest'
import { SignalingError } from '@beckon/core'
import { aliceAndBob, outcome, type Party } from '../support/world.js'

/** alice invites bob, and the invite arrives. */
const ringing = async () => {
  const { world, alice, bob } = aliceAndBob()
  const id = await alice.signaling.invite('bob', 'room', { timeout: 30 })
  await world.settle()
  return { world, alice, bob, id }
}

const stateOf = (party: Party, id: string) => party.signaling.getInvitation(id)?.invitees[0]?.state

describe('a 1:1 invite', () => {
  it('rings the invitee with the inviter, groupID "", the invitee list and the data', async () => {
    const { bob, id } = await ringing()
    expect(bob.calls()).toEqual([`onReceiveNewInvitation(${id}, alice, '', [bob], room)`])
  })

  it('tells the inviter nothing while the invitee has not answered', async () => {
    const { alice } = await ringing()
    expect(alice.calls()).toEqual([])
  })

  it('resolves with the id of an invitation the inviter now holds', async () => {
    const { alice } = aliceAndBob()
    const id = await alice.signaling.invite('bob', 'room')
    expect(alice.signaling.getInvitation(id)?.inviteeList).toEqual(['bob'])
  })

  it('resolves only once the IM has taken the invite', async () => {
    const { world, alice } = aliceAndBob()
    world.im.hold()
    await alice.signaling.invite('bob', 'room')
    expect(world.im.inFlight().map((d) => d.to.userID)).toContain('bob')
  })

  it('defaults data to "" and timeout to 30 seconds', async () => {
    const { world, alice, bob } = aliceAndBob()
    const id = await alice.signaling.invite('bob')
    await world.settle()
    expect(bob.calls()).toEqual([`onReceiveNewInvitation(${id}, alice, '', [bob], '')`])
    expect(alice.signaling.getInvitation(id)?.timeout).toBe(30)
  })
})

describe('accept and reject', () => {
  it('tells the inviter onInviteeAccepted(id, invitee, data)', async () => {
    const { world, alice, bob, id } = await ringing()
    await bob.signaling.accept(id, 'ok')
    await world.settle()
    expect(alice.calls()).toEqual([`onInviteeAccepted(${id}, bob, ok)`])
  })

  it('tells the inviter onInviteeRejected(id, invitee, data)', async () => {
    const { world, alice, bob, id } = await ringing()
    await bob.signaling.reject(id, 'busy')
    await world.settle()
    expect(alice.calls()).toEqual([`onInviteeRejected(${id}, bob, busy)`])
  })

  it('gives the answering device no callback: its promise tells it', async () => {
    const { world, bob, id } = await ringing()
    await bob.signaling.accept(id, 'ok')
    await world.settle()
    expect(bob.calls()).toEqual([`onReceiveNewInvitation(${id}, alice, '', [bob], room)`])
  })

  it('resolves only once the IM has taken the answer', async () => {
    const { world, bob, id } = await ringing()
    world.im.hold()
    await bob.signaling.accept(id, 'ok')
    expect(world.im.inFlight().map((d) => [d.to.userID, JSON.parse(d.payload).actionType])).toContainEqual(['alice', 3])
  })

  it('ends the invitation at both parties', async () => {
    const { world, alice, bob, id } = await ringing()
    await bob.signaling.reject(id)
    await world.settle()
    expect([stateOf(alice, id), stateOf(bob, id)]).toEqual(['rejected', 'rejected'])
    expect(alice.signaling.getInvitation(id)?.active).toBe(false)
  })
})

describe('cancel', () => {
  it('tells the invitee onInvitationCancelled(id, inviter, data, the invitees it ended)', async () => {
    const { world, alice, bob, id } = await ringing()
    await alice.signaling.cancel(id, 'hung up')
    await world.settle()
    expect(bob.calls().at(-1)).toBe(`onInvitationCancelled(${id}, alice, "hung up", [bob])`)
  })

  it('gives the cancelling inviter no callback', async () => {
    const { world, alice, id } = await ringing()
    await alice.signaling.cancel(id)
    await world.settle()
    expect(alice.calls()).toEqual([])
  })

  it('leaves the invitee nothing to answer (8010)', async () => {
    const { world, alice, bob, id } = await ringing()
    await alice.signaling.cancel(id)
    await world.settle()
    expect(await outcome(bob.signaling.accept(id))).toBe(8010)
  })
})

describe('invite with a bad parameter fails with 6017 and sends nothing', () => {
  const cases: [string, (alice: Party) => Promise<unknown>][] = [
    ['an empty invitee', (alice) => alice.signaling.invite('')],
    ['the inviter as invitee', (alice) => alice.signaling.invite('alice')],
    ['a negative timeout', (alice) => alice.signaling.invite('bob', '', { timeout: -1 })],
    ['data that makes the envelope exceed 12 KB', (alice) => alice.signaling.invite('bob', 'x'.repeat(12 * 1024))],
    ['data over 12 KB in UTF-8 though not in UTF-16 units', (alice) => alice.signaling.invite('bob', '€'.repeat(5000))],
  ]
  it.each(cases)('%s', async (_name, act) => {
    const { world, alice, bob } = aliceAndBob()
    expect(await outcome(act(alice))).toBe(6017)
    await world.settle()
    expect(bob.calls()).toEqual([])
    expect(alice.signaling.listInvitations()).toEqual([])
  })

  it('a timeout too long for the wire (3,000,000 s) is refused with 6017 or rings: the invite is never silently lost', async () => {
    const { world, alice, bob } = aliceAndBob()
    const result = await outcome(alice.signaling.invite('bob', 'room', { timeout: 3_000_000 }))
    await world.settle()
    expect(['6017, rang 0 times', 'resolved, rang 1 times']).toContain(`${result}, rang ${bob.calls().length} times`)
  })

  it('accepts data that keeps the envelope under 12 KB', async () => {
    const { alice } = aliceAndBob()
    expect(await outcome(alice.signaling.invite('bob', 'x'.repeat(11 * 1024)))).toBe('resolved')
  })
})

describe('a command that cannot apply to the invitation fails with 8010', () => {
  it('answering an unknown invitation', async () => {
    const { bob } = aliceAndBob()
    expect(await outcome(bob.signaling.accept('no-such-invite'))).toBe(8010)
    expect(await outcome(bob.signaling.reject('no-such-invite'))).toBe(8010)
  })

  it('cancelling an unknown invitation', async () => {
    const { alice } = aliceAndBob()
    expect(await outcome(alice.signaling.cancel('no-such-invite'))).toBe(8010)
  })

  it('answering twice', async () => {
    const { bob, id } = await ringing()
    await bob.signaling.accept(id)
    expect(await outcome(bob.signaling.accept(id))).toBe(8010)
    expect(await outcome(bob.signaling.reject(id))).toBe(8010)
  })

  it('answering by a user who is not an invitee (the inviter itself)', async () => {
    const { alice, id } = await ringing()
    expect(await outcome(alice.signaling.accept(id))).toBe(8010)
  })

  it('cancelling an invitation that has ended', async () => {
    const { world, alice, bob, id } = await ringing()
    await bob.signaling.accept(id)
    await world.settle()
    expect(await outcome(alice.signaling.cancel(id))).toBe(8010)
  })

  it('cancelling twice', async () => {
    const { alice, id } = await ringing()
    await alice.signaling.cancel(id)
    expect(await outcome(alice.signaling.cancel(id))).toBe(8010)
  })
})

describe('only the inviter may cancel or modify (8011)', () => {
  it('cancel by the invitee', async () => {
    const { bob, id } = await ringing()
    expect(await outcome(bob.signaling.cancel(id))).toBe(8011)
  })

  it('modify by the invitee', async () => {
    const { bob, id } = await ringing()
    expect(await outcome(bob.signaling.modifyInvitation(id, 'new'))).toBe(8011)
  })
})

describe('a disconnected device fails with 6014 and queues nothing', () => {
  it.each([
    ['accept', (p: Party, id: string) => p.signaling.accept(id)],
    ['reject', (p: Party, id: string) => p.signaling.reject(id)],
  ])('%s by the invitee', async (_name, act) => {
    const { world, alice, bob, id } = await ringing()
    bob.transport.disconnect()
    expect(await outcome(act(bob, id))).toBe(6014)
    bob.transport.connect()
    await world.settle()
    expect(alice.calls()).toEqual([])
    expect(stateOf(bob, id)).toBe('pending')
  })

  it.each([
    ['cancel', (p: Party, id: string) => p.signaling.cancel(id)],
    ['modify', (p: Party, id: string) => p.signaling.modifyInvitation(id, 'new')],
  ])('%s by the inviter', async (_name, act) => {
    const { world, alice, bob, id } = await ringing()
    alice.transport.disconnect()
    expect(await outcome(act(alice, id))).toBe(6014)
    alice.transport.connect()
    await world.settle()
    expect(bob.calls()).toEqual([`onReceiveNewInvitation(${id}, alice, '', [bob], room)`])
    expect(stateOf(alice, id)).toBe('pending')
  })

  it('invite', async () => {
    const { world, alice, bob } = aliceAndBob()
    alice.transport.disconnect()
    expect(await outcome(alice.signaling.invite('bob', 'room'))).toBe(6014)
    alice.transport.connect()
    await world.settle()
    expect(bob.calls()).toEqual([])
  })
})

describe('SignalingError', () => {
  it('is an Error with a numeric Tencent code and a string reason', async () => {
    const { bob } = aliceAndBob()
    const error: unknown = await bob.signaling.accept('no-such-invite').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    expect(error).toBeInstanceOf(SignalingError)
    expect(error).toMatchObject({ name: 'SignalingError', code: 8010, reason: 'InvitationInvalid' })
  })
})

describe('addSignalingListener', () => {
  it('returns a function that stops the callbacks', async () => {
    const { world, alice } = aliceAndBob()
    const bob = world.join('bob', { deviceID: 'phone' })
    const heard: string[] = []
    const stop = bob.signaling.addSignalingListener({ onReceiveNewInvitation: (id) => heard.push(id) })
    const first = await alice.signaling.invite('bob')
    await world.settle()
    stop()
    await alice.signaling.invite('bob')
    await world.settle()
    expect(heard).toEqual([first])
  })
})
