/**
 * `subscribe` / `getSnapshot`: what a device sees, as an external store for React's
 * `useSyncExternalStore` and other UI state libraries. The law React needs: `getSnapshot` returns
 * the very same object until something it shows changes — else a component re-renders forever.
 */
import { describe, expect, it, vi } from 'vitest'
import { ActionType, encodeEnvelope } from '@beckon/core'
import { World } from '../support/world.js'

/** alice and bob, with bob subscribed. */
const setup = () => {
  const world = new World()
  const alice = world.join('alice')
  const bob = world.join('bob')
  const onChange = vi.fn()
  const unsubscribe = bob.signaling.subscribe(onChange)
  return { world, alice, bob, onChange, unsubscribe }
}

describe('getSnapshot', () => {
  it('is the same object across calls while nothing changes, time passing included', async () => {
    const { world, bob } = setup()
    await world.settle()
    const first = bob.signaling.getSnapshot()
    expect(bob.signaling.getSnapshot()).toBe(first)
    await world.advance(5_000)
    expect(bob.signaling.getSnapshot()).toBe(first)
    expect(first).toEqual({ invitations: [], connected: true, closed: false })
  })

  it('is a new object after an event, showing it, and subscribers are told', async () => {
    const { world, alice, bob, onChange } = setup()
    await world.settle()
    const before = bob.signaling.getSnapshot()
    onChange.mockClear()
    const id = await alice.signaling.invite('bob', 'room')
    await world.settle()
    const after = bob.signaling.getSnapshot()
    expect(after).not.toBe(before)
    expect(after.invitations).toEqual([bob.signaling.getInvitation(id)])
    expect(onChange).toHaveBeenCalled()
    expect(bob.signaling.getSnapshot()).toBe(after)
  })

  it('keeps the object of an invitation that did not change when another one does', async () => {
    const { world, alice, bob } = setup()
    const carol = world.join('carol')
    const first = await alice.signaling.invite('bob', 'one')
    const second = await carol.signaling.invite('bob', 'two')
    await world.settle()
    const before = bob.signaling.getSnapshot()
    await bob.signaling.accept(second)
    await world.settle()
    const after = bob.signaling.getSnapshot()
    expect(after).not.toBe(before)
    expect(after.invitations.find((view) => view.inviteID === first)).toBe(before.invitations.find((view) => view.inviteID === first))
    expect(after.invitations.find((view) => view.inviteID === second)?.invitees[0]?.state).toBe('accepted')
  })

  it('changes when the invitation is modified, or ends', async () => {
    const { world, alice, bob } = setup()
    const id = await alice.signaling.invite('bob', 'room')
    await world.settle()
    const ringing = bob.signaling.getSnapshot()
    await alice.signaling.modifyInvitation(id, 'room 2')
    await world.settle()
    const modified = bob.signaling.getSnapshot()
    expect(modified).not.toBe(ringing)
    expect(modified.invitations[0]?.data).toBe('room 2')
    await alice.signaling.cancel(id)
    await world.settle()
    expect(bob.signaling.getSnapshot().invitations[0]?.active).toBe(false)
  })

  it('keeps the whole snapshot through a change no view shows (a cancel held for an invite not yet here)', async () => {
    const { world, alice, bob, onChange } = setup()
    await world.settle()
    const before = bob.signaling.getSnapshot()
    onChange.mockClear()
    const cancel = { businessID: 1 as const, inviteID: 'later', inviter: 'alice', groupID: '', inviteeList: ['bob'], data: '', timeout: 30, actionType: ActionType.cancel, onlineUserOnly: false }
    await alice.transport.send({ kind: 'user', userID: 'bob' }, encodeEnvelope(cancel), { onlineUserOnly: false })
    await world.settle()
    expect(onChange).toHaveBeenCalled()
    expect(bob.signaling.getSnapshot()).toBe(before)
  })

  it('says when the device is no longer connected, and when it is again', async () => {
    const { world, bob } = setup()
    await world.settle()
    bob.transport.disconnect()
    await world.settle()
    expect(bob.signaling.getSnapshot().connected).toBe(false)
    bob.transport.connect()
    await world.settle()
    expect(bob.signaling.getSnapshot().connected).toBe(true)
  })

  it('is frozen, views and all, since every reader shares it', async () => {
    const { world, alice, bob } = setup()
    await alice.signaling.invite('bob', 'room')
    await world.settle()
    const view = bob.signaling.getSnapshot()
    expect(Object.isFrozen(view)).toBe(true)
    expect(Object.isFrozen(view.invitations)).toBe(true)
    expect(Object.isFrozen(view.invitations[0])).toBe(true)
    expect(Object.isFrozen(view.invitations[0]?.invitees[0])).toBe(true)
  })
})

describe('subscribe', () => {
  it('stops calling after unsubscribe', async () => {
    const { world, alice, onChange, unsubscribe } = setup()
    await world.settle()
    onChange.mockClear()
    unsubscribe()
    await alice.signaling.invite('bob', 'room')
    await world.settle()
    expect(onChange).not.toHaveBeenCalled()
  })

  it('tells subscribers once at close, after which the snapshot is closed and empty, and subscribing is a no-op', async () => {
    const { world, alice, bob, onChange } = setup()
    await alice.signaling.invite('bob', 'room')
    await world.settle()
    onChange.mockClear()
    bob.signaling.close()
    expect(onChange).toHaveBeenCalledOnce()
    const closed = bob.signaling.getSnapshot()
    expect(closed).toEqual({ invitations: [], connected: false, closed: true })
    expect(bob.signaling.getSnapshot()).toBe(closed)
    const late = vi.fn()
    expect(() => bob.signaling.subscribe(late)()).not.toThrow()
    expect(late).not.toHaveBeenCalled()
  })

  it('reports a subscriber that throws as a stateChange listener error, and goes on', async () => {
    const world = new World()
    const alice = world.join('alice')
    const onListenerError = vi.fn()
    const bob = world.join('bob', { signaling: { onListenerError } })
    const after = vi.fn()
    bob.signaling.subscribe(() => {
      throw new Error('render bug')
    })
    bob.signaling.subscribe(after)
    await alice.signaling.invite('bob', 'room')
    await world.settle()
    expect(onListenerError).toHaveBeenCalledWith(new Error('render bug'), { listener: 'stateChange' })
    expect(after).toHaveBeenCalled()
  })
})
