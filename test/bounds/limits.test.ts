/**
 * Bounds (issue: nothing grows without limit): invitees per invitation, active invitations per
 * party and per inviter, messages held for unknown invitations, and tombstones.
 */
import { describe, expect, it } from 'vitest'
import { createSignaling, SignalingError, type Limits, type Signaling } from '@beckon/core'
import { MemoryIm } from '@beckon/adapter-memory'

const party = (im: MemoryIm, userID: string, limits: Partial<Limits> = {}): Signaling => createSignaling({ transport: im.connect(userID), limits })

const code = (promise: Promise<unknown>) => promise.then(() => 'resolved', (e: unknown) => (e instanceof SignalingError ? e.code : String(e)))

describe('limits', () => {
  it('refuses an invitation with more invitees than allowed, on both ends', async () => {
    const im = new MemoryIm()
    const teacher = party(im, 'teacher', { maxInvitees: 3 })
    const watcher = party(im, 'watcher', { maxInvitees: 2 })
    await im.connect('teacher').createGroup('g', ['watcher', 's1', 's2', 's3', 's4'])
    expect(await code(teacher.inviteInGroup('g', ['s1', 's2', 's3', 's4']))).toBe(8014)
    await teacher.inviteInGroup('g', ['s1', 's2', 's3'])
    await im.settle()
    expect(watcher.listInvitations()).toEqual([])
    expect(watcher.diagnosticCounts()['limit-invitees']).toBe(1)
  })

  it('refuses a new invite past the active-invitation bound, and drops arriving ones with a diagnostic', async () => {
    const im = new MemoryIm()
    const alice = party(im, 'alice', { maxActiveInvitations: 2 })
    const bob = party(im, 'bob', { maxActiveInvitations: 2 })
    await alice.invite('bob')
    await alice.invite('bob')
    expect(await code(alice.invite('bob'))).toBe(8014)
    const carol = party(im, 'carol')
    await carol.invite('bob')
    await im.settle()
    expect(bob.listInvitations().length).toBe(2)
    expect(bob.diagnosticCounts()['limit-active']).toBe(1)
  })

  it('keeps a flooding inviter to its share, so another inviter still rings', async () => {
    const im = new MemoryIm()
    const bob = party(im, 'bob', { maxActivePerInviter: 5 })
    const mallory = party(im, 'mallory')
    const alice = party(im, 'alice')
    const rang: string[] = []
    bob.addSignalingListener({ onReceiveNewInvitation: (_id, inviter) => rang.push(inviter) })
    for (let i = 0; i < 50; i++) await mallory.invite('bob', 'spam', { timeout: 60 })
    await alice.invite('bob', 'a real call')
    await im.settle()
    expect(rang.filter((who) => who === 'mallory').length).toBe(5)
    expect(rang).toContain('alice')
    expect(bob.diagnosticCounts()['limit-inviter']).toBe(45)
  })

  it('counts each inviter share from every invitation active when the party first reaches its cap', async () => {
    // Per-inviter counts are kept only once the party holds maxActivePerInviter active invitations:
    // those already active then (alice's two and carol's) count from the start.
    const im = new MemoryIm()
    const bob = party(im, 'bob', { maxActivePerInviter: 3 })
    const alice = party(im, 'alice')
    const carol = party(im, 'carol')
    const mallory = party(im, 'mallory')
    const rang: string[] = []
    bob.addSignalingListener({ onReceiveNewInvitation: (_id, inviter) => rang.push(inviter) })
    await alice.invite('bob', 'one', { timeout: 60 })
    await alice.invite('bob', 'two', { timeout: 60 })
    await carol.invite('bob', 'one', { timeout: 60 })
    await im.settle()
    for (let i = 0; i < 5; i++) await mallory.invite('bob', 'spam', { timeout: 60 })
    await alice.invite('bob', 'three', { timeout: 60 })
    await alice.invite('bob', 'four', { timeout: 60 })
    await im.settle()
    const count = (who: string) => rang.filter((inviter) => inviter === who).length
    expect([count('alice'), count('carol'), count('mallory')]).toEqual([3, 1, 3])
    expect(bob.diagnosticCounts()['limit-inviter']).toBe(3)
  })

  it('holds at most maxHeldMessages messages for invitations it does not know', async () => {
    const im = new MemoryIm()
    const bob = party(im, 'bob', { maxHeldMessages: 10 })
    for (let i = 0; i < 30; i++) {
      const envelope = { businessID: 1, inviteID: `ghost-${i}`, groupID: '', inviter: 'mallory', inviteeList: ['bob'], data: '', timeout: 30, actionType: 2, onlineUserOnly: false }
      im.inject({ userID: 'bob' }, { sender: 'mallory', payload: JSON.stringify(envelope) })
    }
    expect(bob.diagnosticCounts().held).toBe(10)
    expect(bob.diagnosticCounts()['limit-held']).toBe(20)
    expect(bob.snapshot().held.length).toBe(10)
  })
})

describe('open-ended invitations (timeout 0), left open as call kits leave their end-of-call notices', () => {
  // Law: open-ended invitations never block a new invitation and never fail the user's own calls;
  // under the caps the oldest open-ended one is retired first, so what a party retains stays bounded.
  it('10,000 uncancelled notices from 10 peers, then a real call from each: every real call rings, and every peer could call', async () => {
    // Arrange
    const im = new MemoryIm()
    const bob = party(im, 'bob')
    const peers = Array.from({ length: 10 }, (_, i) => party(im, `peer${i}`))
    const rang: string[] = []
    bob.addSignalingListener({ onReceiveNewInvitation: (_id, inviter, _group, _invitees, data) => data === 'real call' && rang.push(inviter) })
    for (let round = 0; round < 1_000; round++) {
      for (const peer of peers) await peer.invite('bob', 'call ended', { timeout: 0 })
      if (round % 100 === 99) await im.settle()
    }
    // Act
    const calls = await Promise.all(peers.map((peer) => code(peer.invite('bob', 'real call', { timeout: 30 }))))
    await im.settle()
    // Assert
    expect(calls).toEqual(peers.map(() => 'resolved'))
    expect(rang.sort()).toEqual(peers.map((peer) => peer.userID).sort())
    expect(bob.diagnosticCounts()['limit-inviter']).toBeUndefined()
    expect(bob.diagnosticCounts()['limit-active']).toBeUndefined()
    // Each peer's oldest notices gave way, 900 of its 1,000 and one more for its real call; each
    // peer itself retired one of its own to place that call.
    expect(bob.diagnosticCounts().retired).toBe(9_010)
    expect(peers.map((peer) => peer.diagnosticCounts().retired)).toEqual(peers.map(() => 1))
    const active = bob.listInvitations().filter((view) => view.active)
    expect(active.length).toBe(1_000)
    expect(active.filter((view) => view.data === 'real call').length).toBe(10)
  })

  it("never fails the user's own invite, and keeps the open-ended ones it retires under the cap", async () => {
    const im = new MemoryIm()
    const alice = party(im, 'alice', { maxActiveInvitations: 10 })
    party(im, 'bob')
    for (let i = 0; i < 25; i++) expect(await code(alice.invite('bob', `notice ${i}`, { timeout: 0 }))).toBe('resolved')
    expect(await code(alice.invite('bob', 'a real call', { timeout: 30 }))).toBe('resolved')
    const active = alice.listInvitations().filter((view) => view.active)
    expect(active.length).toBe(10)
    expect(active.map((view) => view.data)).toContain('a real call')
    expect(active.map((view) => view.data)).toContain('notice 24')
    expect(alice.diagnosticCounts().retired).toBe(16)
  })

  it('never fails addInvitedSignaling because of open-ended invitations', async () => {
    const im = new MemoryIm()
    const bob = party(im, 'bob', { maxActiveInvitations: 5 })
    const alice = party(im, 'alice')
    for (let i = 0; i < 5; i++) await alice.invite('bob', `notice ${i}`, { timeout: 0 })
    await im.settle()
    const info = { businessID: 1, inviteID: 'from-a-push', groupID: '', inviter: 'carol', inviteeList: ['bob'], data: 'call', timeout: 30, actionType: 1, onlineUserOnly: false } as const
    expect(await code(bob.addInvitedSignaling(info))).toBe('resolved')
    expect(bob.getInvitation('from-a-push')?.active).toBe(true)
    expect(bob.diagnosticCounts().retired).toBe(1)
  })

  it('still refuses a new invite when every active invitation has a deadline', async () => {
    const im = new MemoryIm()
    const alice = party(im, 'alice', { maxActiveInvitations: 2 })
    party(im, 'bob')
    await alice.invite('bob', 'a', { timeout: 30 })
    await alice.invite('bob', 'b', { timeout: 30 })
    expect(await code(alice.invite('bob', 'c', { timeout: 0 }))).toBe(8014)
  })
})

describe('a flood of invitations from one sender', () => {
  // Law: whatever one sender sends, what a party retains stays under a bound set by its limits:
  // active invitations ≤ maxActivePerInviter from that sender, tombstones ≤ maxEndedInvitations,
  // held messages (cancels of invites it dropped) ≤ maxHeldMessages.
  it('cannot grow what the invitee retains past its limits', async () => {
    const im = new MemoryIm()
    const limits = { maxActivePerInviter: 20, maxEndedInvitations: 100, maxHeldMessages: 50 }
    const bob = party(im, 'bob', limits)
    const mallory = party(im, 'mallory')
    const retained: number[] = []
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 100; i++) {
        const id = await mallory.invite('bob', 'flood', { timeout: 0 })
        if (i % 25 !== 0) await mallory.cancel(id)
      }
      await im.settle()
      retained.push(bob.listInvitations().length + bob.snapshot().held.length)
    }
    expect(Math.max(...retained)).toBeLessThanOrEqual(limits.maxActivePerInviter + limits.maxEndedInvitations + limits.maxHeldMessages)
    expect(retained.at(-1)).toBe(retained[retained.length - 5])
    expect(bob.diagnosticCounts()['limit-ended']).toBeGreaterThan(0)
  })

  it('frees tombstones once their retention is over', async () => {
    const im = new MemoryIm()
    const bob = party(im, 'bob', { retentionMs: 60_000 })
    const alice = party(im, 'alice', { retentionMs: 60_000 })
    for (let i = 0; i < 10; i++) await alice.cancel(await alice.invite('bob'))
    await im.settle()
    expect(bob.listInvitations().length).toBe(10)
    await im.clock.advance(61_000)
    expect(bob.listInvitations().length).toBe(0)
    expect(alice.listInvitations().length).toBe(0)
  })

  it('rejects limits that cannot mean anything', () => {
    const im = new MemoryIm()
    expect(() => party(im, 'bob', { maxInvitees: 0 })).toThrow(/maxInvitees/)
    expect(() => party(im, 'carol', { retentionMs: -1 })).toThrow(/retentionMs/)
  })
})
