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
