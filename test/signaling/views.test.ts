/**
 * Views (SPEC §2 `getInvitation` / `listInvitations` / `snapshot`): what a party holds, with the
 * state of every invitee — its outcome, the winning `data`, the answering device and what
 * decided it — and the engine's state as plain JSON that a new instance can restore.
 */
import { describe, expect, it } from 'vitest'
import { createSignaling } from '@beckon/core'
import { World } from '../support/world.js'

const group = async () => {
  const world = new World()
  const alice = world.join('alice')
  const bob = world.join('bob', { deviceID: 'phone' })
  const carol = world.join('carol')
  const dave = world.join('dave')
  await alice.transport.createGroup('g', ['bob', 'carol', 'dave'])
  const id = await alice.signaling.inviteInGroup('g', ['bob', 'carol', 'dave'], 'lesson', { timeout: 30 })
  await world.settle()
  return { world, alice, bob, carol, dave, id }
}

describe('getInvitation', () => {
  it('shows a new invitation with every field and every invitee pending', async () => {
    const world = new World()
    const alice = world.join('alice')
    world.join('bob')
    const id = await alice.signaling.invite('bob', 'room', { timeout: 30 })
    expect(alice.signaling.getInvitation(id)).toEqual({
      inviteID: id,
      inviter: 'alice',
      groupID: '',
      inviteeList: ['bob'],
      data: 'room',
      timeout: 30,
      onlineUserOnly: false,
      audience: 'all',
      serverTime: world.start,
      deadline: world.start + 30_000,
      active: true,
      invitees: [{ userID: 'bob', state: 'pending', data: '', deviceID: '', decidedBy: null }],
    })
  })

  it('shows the same invitation at the invitee, on the same server time', async () => {
    const world = new World()
    const alice = world.join('alice')
    const bob = world.join('bob')
    await world.advance(1_234)
    const id = await alice.signaling.invite('bob', 'room', { timeout: 30 })
    await world.advance(500)
    expect(bob.signaling.getInvitation(id)).toEqual(alice.signaling.getInvitation(id))
    expect(bob.signaling.getInvitation(id)?.serverTime).toBe(world.start + 1_234)
  })

  it("shows each invitee's outcome, winning data, answering device and what decided it", async () => {
    // Arrange
    const { world, alice, bob, carol, id } = await group()
    // Act
    await bob.signaling.accept(id, 'yes')
    await carol.signaling.reject(id, 'no')
    await world.settle()
    await alice.signaling.cancel(id, 'enough')
    await world.settle()
    // Assert
    expect(alice.signaling.getInvitation(id)?.invitees).toEqual([
      { userID: 'bob', state: 'accepted', data: 'yes', deviceID: 'phone', decidedBy: 'invitee.accepted' },
      { userID: 'carol', state: 'rejected', data: 'no', deviceID: 'default', decidedBy: 'invitee.rejected' },
      { userID: 'dave', state: 'cancelled', data: 'enough', deviceID: 'default', decidedBy: 'inviter.cancelled' },
    ])
  })

  it('shows the same invitees at every member', async () => {
    const { world, alice, bob, carol, dave, id } = await group()
    await bob.signaling.accept(id, 'yes')
    await carol.signaling.reject(id, 'no')
    await world.settle()
    const views = [alice, bob, carol, dave].map((party) => party.signaling.getInvitation(id)?.invitees)
    expect(new Set(views.map((view) => JSON.stringify(view))).size).toBe(1)
  })

  it('stays active while some invitee is pending', async () => {
    const { world, bob, carol, dave, id } = await group()
    await bob.signaling.accept(id)
    await carol.signaling.accept(id)
    await world.settle()
    expect(dave.signaling.getInvitation(id)?.active).toBe(true)
    await dave.signaling.reject(id)
    await world.settle()
    expect(bob.signaling.getInvitation(id)?.active).toBe(false)
  })

  it('shows timeouts by who decided them: the invitee, the inviter, or a local expiry', async () => {
    // Arrange: bob and dave time themselves out, carol is away, and dave cannot hear alice
    const { world, alice, carol, dave, id } = await group()
    carol.transport.disconnect()
    world.im.setLink({ loss: 1 }, { from: 'alice', to: 'dave' })
    // Act
    await world.advanceTo(40_000)
    // Assert
    expect(alice.signaling.getInvitation(id)?.invitees.map((i) => i.decidedBy)).toEqual(['invitee.timedOut', 'inviter.timedOut', 'invitee.timedOut'])
    expect(dave.signaling.getInvitation(id)?.invitees.map((i) => i.decidedBy)).toEqual(['invitee.timedOut', 'timer.expired', 'invitee.timedOut'])
  })

  it('has no deadline for timeout: 0', async () => {
    const world = new World()
    const alice = world.join('alice')
    const id = await alice.signaling.invite('bob', 'room', { timeout: 0 })
    expect(alice.signaling.getInvitation(id)?.deadline).toBeNull()
  })

  it('is undefined for an unknown id', () => {
    const world = new World()
    expect(world.join('alice').signaling.getInvitation('no-such-invite')).toBeUndefined()
  })
})

describe('listInvitations', () => {
  it('is empty at first', () => {
    const world = new World()
    expect(world.join('alice').signaling.listInvitations()).toEqual([])
  })

  it('lists every invitation held, active and ended', async () => {
    const world = new World()
    const alice = world.join('alice')
    const bob = world.join('bob')
    const first = await alice.signaling.invite('bob', 'one')
    const second = await alice.signaling.invite('bob', 'two')
    await world.settle()
    await bob.signaling.reject(first)
    await world.settle()
    const listed = bob.signaling.listInvitations().map((view) => [view.inviteID, view.active])
    expect(listed).toEqual(expect.arrayContaining([[first, false], [second, true]]))
    expect(listed).toHaveLength(2)
  })

  it('forgets an ended invitation after the retention period (10 minutes by default)', async () => {
    const world = new World()
    const alice = world.join('alice')
    const bob = world.join('bob')
    const id = await alice.signaling.invite('bob', 'room')
    await world.settle()
    await bob.signaling.accept(id)
    await world.settle()
    await world.advance(10 * 60_000 - 1)
    expect(alice.signaling.getInvitation(id)).toBeDefined()
    await world.advance(1)
    expect(alice.signaling.listInvitations()).toEqual([])
  })
})

describe('the retention period', () => {
  it('is configurable with limits.retentionMs', async () => {
    const world = new World()
    const alice = world.join('alice', { signaling: { limits: { retentionMs: 60_000 } } })
    const bob = world.join('bob')
    const id = await alice.signaling.invite('bob', 'room')
    await world.settle()
    await bob.signaling.reject(id)
    await world.settle()
    await world.advance(59_999)
    expect(alice.signaling.getInvitation(id)).toBeDefined()
    await world.advance(1)
    expect(alice.signaling.getInvitation(id)).toBeUndefined()
  })
})

describe('snapshot', () => {
  const midCall = async () => {
    const { world, alice, bob, carol, id } = await group()
    await bob.signaling.accept(id, 'yes')
    await carol.signaling.reject(id, 'no')
    await world.settle()
    return { world, alice, id }
  }

  it('is plain JSON', async () => {
    const { alice } = await midCall()
    const snapshot = alice.signaling.snapshot()
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot)
  })

  it('restores into a new instance with the same views', async () => {
    const { alice } = await midCall()
    const snapshot = JSON.parse(JSON.stringify(alice.signaling.snapshot()))
    const views = alice.signaling.listInvitations()
    alice.signaling.close()
    const restored = createSignaling({ transport: alice.transport, restore: snapshot })
    expect(restored.listInvitations()).toEqual(views)
  })

  it('restores the deadlines: the restored inviter times out the pending invitee at t + timeout + 5 s', async () => {
    // Arrange: dave stays silent, so only alice's + 5 s timer can end him
    const { world, alice, id } = await midCall()
    world.im.setLink({ loss: 1 }, { from: 'dave' })
    const snapshot = JSON.parse(JSON.stringify(alice.signaling.snapshot()))
    alice.signaling.close()
    const restored = createSignaling({ transport: alice.transport, restore: snapshot })
    const timeouts: string[] = []
    restored.addSignalingListener({ onInvitationTimeout: (inviteID, list) => timeouts.push(`${world.now()} ${inviteID} ${list.join()}`) })
    // Act
    await world.advanceTo(40_000)
    // Assert
    expect(timeouts).toEqual([`35000 ${id} dave`])
  })
})
