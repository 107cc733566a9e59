/**
 * Modifying an invitation, reading signaling messages, inserting invitations learned out of band,
 * and offline pushes (SPEC §2 `modifyInvitation`, `getSignalingInfo`, `addInvitedSignaling`;
 * §3 "Rules", "Offline").
 */
import { describe, expect, it } from 'vitest'
import type { IncomingMessage, SignalingInfo } from '@beckon/core'
import { groupOfBobAndCarol, outcome, World } from '../support/world.js'

const ringing = async (options: { onlineUserOnly?: boolean } = {}) => {
  const world = new World()
  const alice = world.join('alice')
  const bob = world.join('bob')
  const received: IncomingMessage[] = []
  bob.transport.onMessage((message) => received.push(message))
  const id = await alice.signaling.invite('bob', 'room 1', { timeout: 30, ...options })
  await world.settle()
  world.clearLog()
  return { world, alice, bob, id, received }
}

describe('modifyInvitation', () => {
  it('tells the invitee onInvitationModified(id, data)', async () => {
    const { world, alice, bob, id } = await ringing()
    await alice.signaling.modifyInvitation(id, 'room 2')
    await world.settle()
    expect(bob.calls()).toEqual([`onInvitationModified(${id}, "room 2")`])
  })

  it('gives the modifying device no callback', async () => {
    const { world, alice, id } = await ringing()
    await alice.signaling.modifyInvitation(id, 'room 2')
    await world.settle()
    expect(alice.calls()).toEqual([])
  })

  it("replaces the invitation's data at both parties", async () => {
    const { world, alice, bob, id } = await ringing()
    await alice.signaling.modifyInvitation(id, 'room 2')
    await world.settle()
    expect([alice.signaling.getInvitation(id)?.data, bob.signaling.getInvitation(id)?.data]).toEqual(['room 2', 'room 2'])
  })

  it("reaches the inviter's other device", async () => {
    const { world, alice, id } = await ringing()
    const tablet = world.join('alice', { deviceID: 'tablet' })
    await world.settle()
    await alice.signaling.modifyInvitation(id, 'room 2')
    await world.settle()
    expect(tablet.calls()).toEqual([`onInvitationModified(${id}, "room 2")`])
  })

  it('reaches every member of a group but the modifying device', async () => {
    // Arrange
    const { world, alice } = await groupOfBobAndCarol()
    const id = await alice.signaling.inviteInGroup('g', ['bob'], 'room 1')
    await world.settle()
    world.clearLog()
    // Act
    await alice.signaling.modifyInvitation(id, 'room 2')
    await world.settle()
    // Assert
    expect(world.log()).toEqual([`bob: onInvitationModified(${id}, "room 2")`, `carol: onInvitationModified(${id}, "room 2")`])
  })

  it('reaches an invitee that was offline, which then holds the new data', async () => {
    const { world, alice, bob, id } = await ringing()
    bob.transport.disconnect()
    await alice.signaling.modifyInvitation(id, 'room 2')
    bob.transport.connect()
    await world.settle()
    expect(bob.signaling.getInvitation(id)?.data).toBe('room 2')
  })

  it('rings a device that catches up after the modification with the new data, and reports no modification', async () => {
    // Arrange
    const world = new World()
    const alice = world.join('alice')
    const bob = world.join('bob')
    bob.transport.disconnect()
    const id = await alice.signaling.invite('bob', 'room 1')
    await alice.signaling.modifyInvitation(id, 'room 2')
    // Act
    bob.transport.connect()
    await world.settle()
    // Assert
    expect(bob.calls()).toEqual([`onReceiveNewInvitation(${id}, alice, '', [bob], "room 2")`])
  })

  it('is applied after the invite when it overtakes it', async () => {
    // Arrange
    const world = new World()
    const alice = world.join('alice')
    const bob = world.join('bob')
    world.im.hold()
    const id = await alice.signaling.invite('bob', 'room 1')
    await alice.signaling.modifyInvitation(id, 'room 2')
    const [invite, modify] = world.im.inFlight().filter((d) => d.to.userID === 'bob')
    // Act
    world.im.deliver(modify!.id)
    world.im.deliver(invite!.id)
    await world.settle()
    // Assert
    expect(bob.signaling.getInvitation(id)?.data).toBe('room 2')
  })

  it('keeps the latest of two modifications that arrive out of order, and reports only it', async () => {
    // Arrange
    const { world, alice, bob, id } = await ringing()
    world.im.hold()
    await alice.signaling.modifyInvitation(id, 'room 2')
    await world.im.clock.advance(1)
    await alice.signaling.modifyInvitation(id, 'room 3')
    const [second, third] = world.im.inFlight().filter((d) => d.to.userID === 'bob')
    // Act
    world.im.deliver(third!.id)
    world.im.deliver(second!.id)
    await world.settle()
    // Assert
    expect(bob.calls()).toEqual([`onInvitationModified(${id}, "room 3")`])
    expect(bob.signaling.getInvitation(id)?.data).toBe('room 3')
  })

  it('fails with 6017 for an online-only invitation, which is not stored', async () => {
    const { alice, id } = await ringing({ onlineUserOnly: true })
    expect(await outcome(alice.signaling.modifyInvitation(id, 'room 2'))).toBe(6017)
  })

  it('fails with 8010 for an unknown invitation', async () => {
    const { alice } = await ringing()
    expect(await outcome(alice.signaling.modifyInvitation('no-such-invite', 'x'))).toBe(8010)
  })

  it('fails with 8010 once the invitation has ended', async () => {
    const { world, alice, bob, id } = await ringing()
    await bob.signaling.reject(id)
    await world.settle()
    expect(await outcome(alice.signaling.modifyInvitation(id, 'room 2'))).toBe(8010)
  })

  it('fails with 8011 for anyone but the inviter', async () => {
    const { bob, id } = await ringing()
    expect(await outcome(bob.signaling.modifyInvitation(id, 'room 2'))).toBe(8011)
  })
})

describe('getSignalingInfo', () => {
  it('reads an incoming invite message, with its server time', async () => {
    const { bob, id, received } = await ringing()
    expect(bob.signaling.getSignalingInfo(received[0]!)).toMatchObject({
      businessID: 1,
      inviteID: id,
      groupID: '',
      inviter: 'alice',
      inviteeList: ['bob'],
      data: 'room 1',
      timeout: 30,
      actionType: 1,
      onlineUserOnly: false,
      serverTime: received[0]!.serverTime,
    })
  })

  it('reads a payload string or a { payload } object alike', async () => {
    const { bob, id, received } = await ringing()
    const { payload } = received[0]!
    expect(bob.signaling.getSignalingInfo(payload)?.inviteID).toBe(id)
    expect(bob.signaling.getSignalingInfo({ payload })?.inviteID).toBe(id)
  })

  it('reads a follow-up: an accept names its action type and its invitee', async () => {
    const { world, alice, bob, id } = await ringing()
    const atAlice: IncomingMessage[] = []
    alice.transport.onMessage((message) => atAlice.push(message))
    await bob.signaling.accept(id, 'ok')
    await world.settle()
    expect(alice.signaling.getSignalingInfo(atAlice[0]!)).toMatchObject({ inviteID: id, actionType: 3, inviteeList: ['bob'], data: 'ok' })
  })

  it.each([
    ['a text message', '{"text":"hello"}'],
    ['a message that is not JSON', 'hello'],
    ['an empty payload', ''],
    ['an envelope missing its inviteID', '{"businessID":1,"inviter":"a","inviteeList":["b"],"actionType":1}'],
    ['an oversized payload', JSON.stringify({ businessID: 1, inviteID: 'x', inviter: 'a', inviteeList: ['b'], actionType: 1, data: 'x'.repeat(13_000) })],
  ])('returns null for %s', async (_name, payload) => {
    const { bob } = await ringing()
    expect(bob.signaling.getSignalingInfo(payload)).toBeNull()
  })

  it('never throws, whatever it is given', async () => {
    const { bob } = await ringing()
    for (const junk of [null, undefined, 42, {}, { payload: 7 }, []] as unknown[]) {
      expect(bob.signaling.getSignalingInfo(junk as string)).toBeNull()
    }
  })
})

describe('addInvitedSignaling', () => {
  /** bob is offline when alice invites him: the IM pushes the invite's payload to him. */
  const pushed = async () => {
    const world = new World()
    const alice = world.join('alice')
    const bob = world.join('bob')
    bob.transport.disconnect()
    const id = await alice.signaling.invite('bob', 'room 1', { timeout: 30, offlinePushInfo: { title: 'Call from alice' } })
    await world.advanceTo(5_000)
    const push = world.im.pushes[0]!
    const info: SignalingInfo = { ...bob.signaling.getSignalingInfo(push.payload)!, serverTime: push.serverTime }
    return { world, alice, bob, id, push, info }
  }

  it('inserts the invitation without ringing', async () => {
    const { bob, id, info } = await pushed()
    await bob.signaling.addInvitedSignaling(info)
    expect(bob.calls()).toEqual([])
    expect(bob.signaling.getInvitation(id)?.invitees[0]?.state).toBe('pending')
  })

  it('keeps the deadline of the server time the info carries', async () => {
    const { bob, id, info } = await pushed()
    await bob.signaling.addInvitedSignaling(info)
    expect(bob.signaling.getInvitation(id)?.deadline).toBe(info.serverTime! + 30_000)
  })

  it('lets the invitee answer once connected, and the inviter hears it', async () => {
    const { world, alice, bob, id, info } = await pushed()
    await bob.signaling.addInvitedSignaling(info)
    bob.transport.connect()
    await world.settle()
    await bob.signaling.accept(id, 'ok')
    await world.settle()
    expect(alice.calls()).toEqual([`onInviteeAccepted(${id}, bob, ok)`])
  })

  it('does not ring when the stored invite arrives later', async () => {
    const { world, bob, info } = await pushed()
    await bob.signaling.addInvitedSignaling(info)
    bob.transport.connect()
    await world.settle()
    expect(bob.calls()).toEqual([])
  })

  it('takes the server time of the invite when it arrives, if the info carried none', async () => {
    const { world, bob, id, info } = await pushed()
    const { serverTime: _unknown, ...withoutTime } = info
    await bob.signaling.addInvitedSignaling(withoutTime)
    bob.transport.connect()
    await world.settle()
    expect(bob.signaling.getInvitation(id)?.deadline).toBe(info.serverTime! + 30_000)
  })

  it('fails with 8012 for an invitation already known', async () => {
    const { bob, id, received } = await ringing()
    const info = bob.signaling.getSignalingInfo(received[0]!)!
    expect(info.inviteID).toBe(id)
    expect(await outcome(bob.signaling.addInvitedSignaling(info))).toBe(8012)
  })

  it.each([
    ['a follow-up, not an invite', { actionType: 2 }],
    ['an empty invitee list', { inviteeList: [] }],
    ['an inviter among its invitees', { inviteeList: ['alice'] }],
    ['an empty inviteID', { inviteID: '' }],
  ])('fails with 6017 for %s', async (_name, change) => {
    const { bob, info } = await pushed()
    expect(await outcome(bob.signaling.addInvitedSignaling({ ...info, ...change } as SignalingInfo))).toBe(6017)
    expect(bob.signaling.listInvitations()).toEqual([])
  })

  it('fails with 6017 for something that is no info at all', async () => {
    const { bob } = await pushed()
    expect(await outcome(bob.signaling.addInvitedSignaling(null as unknown as SignalingInfo))).toBe(6017)
  })
})

describe('offlinePushInfo', () => {
  it('reaches the push channel for an offline invitee, with the invite as payload', async () => {
    const world = new World()
    const alice = world.join('alice')
    const bob = world.join('bob')
    bob.transport.disconnect()
    const id = await alice.signaling.invite('bob', 'room 1', { offlinePushInfo: { title: 'Call', description: 'from alice' } })
    expect(world.im.pushes).toHaveLength(1)
    expect(world.im.pushes[0]).toMatchObject({ userID: 'bob', offlinePushInfo: { title: 'Call', description: 'from alice' } })
    expect(bob.signaling.getSignalingInfo(world.im.pushes[0]!.payload)?.inviteID).toBe(id)
  })

  it('is not pushed to an invitee that is online', async () => {
    const world = new World()
    const alice = world.join('alice')
    world.join('bob')
    await alice.signaling.invite('bob', 'room 1', { offlinePushInfo: { title: 'Call' } })
    expect(world.im.pushes).toEqual([])
  })

  it('is never pushed for an online-only invite', async () => {
    const world = new World()
    const alice = world.join('alice')
    world.join('bob').transport.disconnect()
    await alice.signaling.invite('bob', 'room 1', { onlineUserOnly: true, offlinePushInfo: { title: 'Call' } })
    expect(world.im.pushes).toEqual([])
  })
})
