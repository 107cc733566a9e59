/**
 * When a modification may be made and which of two wins (SPEC §2 `modifyInvitation`, §3 "Rules",
 * §8 "Two modifications in one server millisecond").
 */
import { describe, expect, it } from 'vitest'
import { outcome, SECOND, TIMEOUT_S, World } from '../support/world.js'

describe('modifyInvitation and the deadline', () => {
  it('fails with 8010 past the deadline, like cancel at the same moment', async () => {
    // Arrange: bob is offline, so no timeout of his ends it; the inviter's own comes 5 s after the deadline
    const world = new World()
    const alice = world.join('alice')
    world.join('bob').transport.disconnect()
    const id = await alice.signaling.invite('bob', 'room 1', { timeout: TIMEOUT_S })
    await world.settle()
    await world.advanceTo(TIMEOUT_S * SECOND + 2 * SECOND)
    // Act
    const modified = await outcome(alice.signaling.modifyInvitation(id, 'room 2'))
    const cancelled = await outcome(alice.signaling.cancel(id))
    // Assert
    expect(alice.signaling.getInvitation(id)?.active).toBe(true)
    expect({ modified, cancelled }).toEqual({ modified: 8010, cancelled: 8010 })
    expect(alice.signaling.getInvitation(id)?.data).toBe('room 1')
  })

  it('still succeeds just before the deadline', async () => {
    const world = new World()
    const alice = world.join('alice')
    world.join('bob')
    const id = await alice.signaling.invite('bob', 'room 1', { timeout: TIMEOUT_S })
    await world.settle()
    await world.advanceTo(TIMEOUT_S * SECOND - 1)
    expect(await outcome(alice.signaling.modifyInvitation(id, 'room 2'))).toBe('resolved')
  })

  it('has no deadline for an invitation without timeout', async () => {
    const world = new World()
    const alice = world.join('alice')
    world.join('bob')
    const id = await alice.signaling.invite('bob', 'room 1', { timeout: 0 })
    await world.settle()
    await world.advanceTo(10 * TIMEOUT_S * SECOND)
    expect(await outcome(alice.signaling.modifyInvitation(id, 'room 2'))).toBe('resolved')
  })
})

/** Ids that sort in the reverse of the order they are drawn: a later call gets a smaller action id. */
const descendingIds = (prefix: string): (() => string) => {
  let n = 10_000
  return () => `${prefix}${--n}`
}

describe('two modifications in the same server millisecond', () => {
  const ringing = async () => {
    const world = new World()
    const alice = world.join('alice', { ids: descendingIds('a') })
    const bob = world.join('bob')
    const id = await alice.signaling.invite('bob', 'room 1', { timeout: TIMEOUT_S })
    await world.settle()
    return { world, alice, bob, id }
  }

  it('from one device: the later call wins at every party', async () => {
    // Arrange
    const { world, alice, bob, id } = await ringing()
    // Act: no time passes between the two calls
    const first = alice.signaling.modifyInvitation(id, 'room 2')
    const second = alice.signaling.modifyInvitation(id, 'room 3')
    const settled = [await outcome(first), await outcome(second)]
    await world.settle()
    // Assert
    expect(settled).toEqual(['resolved', 'resolved'])
    expect([alice.signaling.getInvitation(id)?.data, bob.signaling.getInvitation(id)?.data]).toEqual(['room 3', 'room 3'])
    expect(bob.calls().at(-1)).toBe(`onInvitationModified(${id}, "room 3")`)
  })

  it('from one device, to an invitee catching up: the later call wins there too', async () => {
    const { world, alice, bob, id } = await ringing()
    bob.transport.disconnect()
    await Promise.all([alice.signaling.modifyInvitation(id, 'room 2'), alice.signaling.modifyInvitation(id, 'room 3')])
    bob.transport.connect()
    await world.settle()
    expect(bob.signaling.getInvitation(id)?.data).toBe('room 3')
  })

  it("from another device of the inviter that had seen the first: the later call wins", async () => {
    // Arrange: the laptop's action ids sort before the phone's
    const world = new World()
    const phone = world.join('alice', { deviceID: 'phone', ids: descendingIds('b') })
    const laptop = world.join('alice', { deviceID: 'laptop', ids: descendingIds('a') })
    const bob = world.join('bob')
    const id = await phone.signaling.invite('bob', 'room 1', { timeout: TIMEOUT_S })
    await world.settle()
    // Act: the laptop hears of the phone's modification, then modifies, in the same millisecond
    await phone.signaling.modifyInvitation(id, 'room 2')
    await world.settle()
    await laptop.signaling.modifyInvitation(id, 'room 3')
    await world.settle()
    // Assert
    const data = [phone, laptop, bob].map((party) => party.signaling.getInvitation(id)?.data)
    expect(data).toEqual(['room 3', 'room 3', 'room 3'])
  })

  it('from two devices of the inviter that had not seen each other: every party converges, and the losing device hears the winner', async () => {
    // Arrange
    const world = new World()
    const phone = world.join('alice', { deviceID: 'phone' })
    const laptop = world.join('alice', { deviceID: 'laptop' })
    const bob = world.join('bob')
    const id = await phone.signaling.invite('bob', 'room 1', { timeout: TIMEOUT_S })
    await world.settle()
    world.clearLog()
    // Act
    await Promise.all([phone.signaling.modifyInvitation(id, 'from phone'), laptop.signaling.modifyInvitation(id, 'from laptop')])
    await world.settle()
    // Assert
    const data = [phone, laptop, bob].map((party) => party.signaling.getInvitation(id)?.data)
    expect(new Set(data).size).toBe(1)
    const loser = data[0] === 'from phone' ? laptop : phone
    expect(loser.calls()).toEqual([`onInvitationModified(${id}, "${data[0]}")`])
  })

  it("orders another client's modifications, which carry no sequence, by server time then message id", async () => {
    // Arrange: two modifications of alice's invite in one millisecond, as a Tencent client sends them
    const { world, bob, id } = await ringing()
    const invite = bob.signaling.getInvitation(id)!
    const payload = (data: string) =>
      JSON.stringify({ businessID: 1, inviteID: id, groupID: '', inviter: 'alice', inviteeList: ['bob'], data, timeout: TIMEOUT_S, actionType: 1, onlineUserOnly: false })
    const at = invite.serverTime + SECOND
    // Act: the one with the larger message id arrives first
    world.im.inject({ userID: 'bob' }, { sender: 'alice', senderDevice: 'web', conversation: { kind: 'user', userID: 'alice' }, modified: true, serverTime: at, messageID: 'tencent-2', payload: payload('room 3') })
    world.im.inject({ userID: 'bob' }, { sender: 'alice', senderDevice: 'web', conversation: { kind: 'user', userID: 'alice' }, modified: true, serverTime: at, messageID: 'tencent-1', payload: payload('room 2') })
    await world.settle()
    // Assert
    expect(bob.signaling.getInvitation(id)?.data).toBe('room 3')
  })
})
