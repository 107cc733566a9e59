/**
 * Modifications across a restart (SPEC §2 `modifyInvitation`, §7 restore): whatever crashed in
 * the middle, the restored device converges on the data everyone else has, and its app hears of
 * data it has not seen.
 */
import { createSignaling, type EngineSnapshot, type Signaling } from '@beckon/core'
import { describe, expect, it } from 'vitest'
import { SECOND, TIMEOUT_S, World, type Party } from '../support/world.js'

/** Closes the party's instance and starts a new one from `saved` on the same transport, recording its callbacks. */
const restart = (party: Party, saved: EngineSnapshot): { signaling: Signaling; heard: string[] } => {
  party.signaling.close()
  const signaling = createSignaling({ transport: party.transport, restore: JSON.parse(JSON.stringify(saved)) as EngineSnapshot })
  const heard: string[] = []
  signaling.addSignalingListener({
    onReceiveNewInvitation: (id, _inviter, _group, _list, data) => heard.push(`ring ${id} ${data}`),
    onInvitationModified: (id, data) => heard.push(`modified ${id} ${data}`),
    onInvitationTimeout: (id, list) => heard.push(`timeout ${id} [${list.join(', ')}]`),
  })
  return { signaling, heard }
}

describe('an inviter that crashes with a modification in flight', () => {
  const crashMidModify = async () => {
    // Arrange: bob rings; alice modifies, and crashes before the IM's receipt reaches her engine
    const world = new World()
    const alice = world.join('alice')
    const bob = world.join('bob')
    const id = await alice.signaling.invite('bob', 'room 1', { timeout: TIMEOUT_S })
    await world.settle()
    void alice.signaling.modifyInvitation(id, 'room 2').catch(() => undefined)
    const saved = alice.signaling.snapshot()
    // Act: back at once, on the same connection
    const restored = restart(alice, saved)
    await world.settle()
    return { world, bob, id, restored }
  }

  it('holds the data everyone else has once restored', async () => {
    const { bob, id, restored } = await crashMidModify()
    expect(bob.signaling.getInvitation(id)?.data).toBe('room 2')
    expect(restored.signaling.getInvitation(id)?.data).toBe('room 2')
  })

  it('tells the restored app of the data it has not seen', async () => {
    const { id, restored } = await crashMidModify()
    expect(restored.heard).toEqual([`modified ${id} room 2`])
  })
})

describe('an invitee restored after a modification it missed', () => {
  /**
   * bob rings, saves, and goes away; alice modifies; time passes to `at`; bob comes back from what
   * he saved, and the modification arrives while he catches up.
   */
  const restoredAfterMissedModification = async (at: number) => {
    const world = new World()
    const alice = world.join('alice')
    const bob = world.join('bob')
    const id = await alice.signaling.invite('bob', 'room 1', { timeout: TIMEOUT_S })
    await world.settle()
    const saved = bob.signaling.snapshot()
    bob.transport.disconnect()
    await alice.signaling.modifyInvitation(id, 'room 2')
    await world.advanceTo(at)
    const restored = restart(bob, saved)
    bob.transport.connect()
    await world.settle()
    return { id, restored }
  }

  it('hears onInvitationModified when the deadline passed before its ring decision', async () => {
    const { id, restored } = await restoredAfterMissedModification(TIMEOUT_S * SECOND + 2 * SECOND)
    expect(restored.signaling.getInvitation(id)?.data).toBe('room 2')
    expect(restored.heard).toEqual([`modified ${id} room 2`, `timeout ${id} [bob]`])
  })

  it('rings with the new data when the deadline has not passed, and reports no separate modification', async () => {
    const { id, restored } = await restoredAfterMissedModification(5 * SECOND)
    expect(restored.heard).toEqual([`ring ${id} room 2`])
  })

  it('hears of the new data when it had answered before the crash (a group call still ringing for others)', async () => {
    // Arrange: bob accepted and saved; carol is still pending, so alice may modify while bob is away
    const world = new World()
    const alice = world.join('alice')
    const bob = world.join('bob')
    world.join('carol')
    await alice.transport.createGroup('g', ['bob', 'carol'])
    const id = await alice.signaling.inviteInGroup('g', ['bob', 'carol'], 'room 1', { timeout: TIMEOUT_S })
    await world.settle()
    await bob.signaling.accept(id)
    await world.settle()
    const saved = bob.signaling.snapshot()
    bob.transport.disconnect()
    await alice.signaling.modifyInvitation(id, 'room 2')
    // Act
    const restored = restart(bob, saved)
    bob.transport.connect()
    await world.settle()
    // Assert
    expect(restored.signaling.getInvitation(id)?.data).toBe('room 2')
    expect(restored.heard).toEqual([`modified ${id} room 2`])
  })
})

describe('a modification sent again after a restore that the IM had taken before the crash', () => {
  it('is no news to the invitee: one onInvitationModified', async () => {
    // Arrange: alice crashes right after the IM took her modification, before its receipt
    const world = new World()
    const alice = world.join('alice')
    const bob = world.join('bob')
    const id = await alice.signaling.invite('bob', 'room 1', { timeout: TIMEOUT_S })
    await world.settle()
    world.clearLog()
    void alice.signaling.modifyInvitation(id, 'room 2').catch(() => undefined)
    const saved = alice.signaling.snapshot()
    await world.settle()
    // Act: she comes back a second later and sends it again
    await world.advance(SECOND)
    restart(alice, saved)
    await world.settle()
    // Assert
    expect(bob.calls()).toEqual([`onInvitationModified(${id}, "room 2")`])
  })
})
