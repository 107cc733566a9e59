/**
 * The facade arms and clears its clock timers once a step's other effects are done (a ring is
 * told before its timer is armed). Law: an app that answers an invitation inside the listener
 * that rings it leaves exactly the timers armed, due at the same times, that it leaves when it
 * answers just after the listener returned — the answer's new deadline for the invitation is not
 * overwritten by the ring's, which the facade applies later.
 */
import { describe, expect, it } from 'vitest'
import { MemoryIm } from '@beckon/adapter-memory'
import { createSignaling, type Clock } from '@beckon/core'
import { recordingTimers } from '../support/armedTimers.js'

/** `clock`, and the timers armed on it and still pending, due in how many whole seconds from now. */
const recording = (clock: Clock): { clock: Clock; armed: () => number[] } => {
  const timers = recordingTimers(clock)
  // In whole seconds from now: the two runs compared end at slightly different times.
  return { clock: timers.clock, armed: () => timers.dueTimes().map((due) => Math.round((due - clock.now()) / 1000)).sort((a, b) => a - b) }
}

/** Bob answers every ring `when` told; returns when his armed timers are due once all settled. */
const timersLeftWhenAnswering = async (when: 'inside the listener' | 'just after it', answer: 'accept' | 'reject'): Promise<number[]> => {
  const im = new MemoryIm()
  const alice = createSignaling({ transport: im.connect('alice') })
  const transport = im.connect('bob')
  const bobClock = recording(transport.clock!)
  const bob = createSignaling({ transport, clock: bobClock.clock })
  let answered = 0
  bob.addSignalingListener({
    onReceiveNewInvitation: (inviteID) => {
      const respond = () => void bob[answer](inviteID).then(() => answered++)
      if (when === 'inside the listener') respond()
      else queueMicrotask(respond)
    },
  })
  await im.settle()
  await alice.invite('bob', 'call', { timeout: 30 })
  await im.settle()
  expect(answered).toBe(1)
  return bobClock.armed()
}

describe('timers armed by a step that rings', () => {
  for (const answer of ['accept', 'reject'] as const) {
    it(`are the same whether the invitee's ${answer} comes inside the ringing listener or just after it`, async () => {
      const inside = await timersLeftWhenAnswering('inside the listener', answer)
      const after = await timersLeftWhenAnswering('just after it', answer)
      expect(after.length).toBeGreaterThan(0) // the answered invitation is kept a while, on a timer
      expect(inside).toEqual(after)
    })
  }
})
