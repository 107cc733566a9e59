/**
 * The facade's one clock timer for all of a device's deadlines is set no later than the earliest
 * of them, and left where it is when a deadline is cleared or moves later (a 1:1 invitation that
 * ends moves its deadline to its tombstone's removal); woken with nothing due, it is set for the
 * earliest then. Law: every deadline still comes due on time (an answered invitation's
 * tombstone is removed when its retention is over, not earlier and not never), and a device whose
 * deadlines are all gone holds no clock timer.
 */
import { describe, expect, it } from 'vitest'
import { MemoryIm } from '@beckon/adapter-memory'
import { createSignaling } from '@beckon/core'
import { recordingTimers } from '../support/armedTimers.js'

const SECOND = 1000
const retentionMs = 10 * 60 * SECOND

describe('the clock timer behind the deadlines', () => {
  it('still removes an answered invitation when its retention is over, after waking first at the deadline it no longer has', async () => {
    const im = new MemoryIm()
    const transport = im.connect('alice')
    const aliceClock = recordingTimers(transport.clock!)
    const alice = createSignaling({ transport, clock: aliceClock.clock })
    const bob = createSignaling({ transport: im.connect('bob') })
    bob.addSignalingListener({ onReceiveNewInvitation: (inviteID) => void bob.accept(inviteID) })
    await im.settle()
    const inviteID = await alice.invite('bob', 'call', { timeout: 30 })
    await im.settle()
    expect(alice.getInvitation(inviteID)?.active).toBe(false)
    await im.clock.advance(31 * SECOND) // past the deadline the invitation had: nothing is due
    expect(alice.getInvitation(inviteID)).toBeDefined()
    expect(aliceClock.dueTimes().length).toBe(1)
    await im.clock.advance(retentionMs - 40 * SECOND) // just before its retention is over
    expect(alice.getInvitation(inviteID)).toBeDefined()
    await im.clock.advance(20 * SECOND)
    expect(alice.getInvitation(inviteID)).toBeUndefined()
    expect(aliceClock.dueTimes().length).toBe(0)
  })

})
