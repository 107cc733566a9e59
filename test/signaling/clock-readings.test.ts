/**
 * Readings of the server's clock (SPEC §3 "Time"; the facade's shell): before acting on a deadline
 * or ringing an invite that spent long in transit, a device refreshes its estimate of the server
 * clock. Those readings must not hold up anything else, and many deadlines falling due together
 * share readings instead of asking the server once each.
 *
 * The transport here is MemoryIm's, with `syncServerTime` answered only when the test says so.
 */
import { MemoryIm } from '@beckon/adapter-memory'
import { createSignaling, type ImTransport } from '@beckon/core'
import { describe, expect, it } from 'vitest'

/** A device whose clock readings stay unanswered until `answer()`; counts the readings asked. */
const withHeldReadings = (transport: ImTransport) => {
  const pending: (() => void)[] = []
  let asked = 0
  transport.syncServerTime = () => {
    asked++
    return new Promise<number>((resolve) => pending.push(() => resolve(transport.serverNow())))
  }
  return {
    asked: () => asked,
    inFlight: () => pending.length,
    answer: () => {
      for (const resolve of pending.splice(0)) resolve()
    },
  }
}

const rings = (signaling: ReturnType<typeof createSignaling>): string[] => {
  const heard: string[] = []
  signaling.addSignalingListener({ onReceiveNewInvitation: (_id, inviter) => heard.push(inviter) })
  return heard
}

describe('server clock readings', () => {
  it('an invite that waits for a reading holds up no other message', async () => {
    const im = new MemoryIm()
    im.setLink({ latency: 5_000 }, { from: 'alice', to: 'bob' }) // alice's invites arrive 5 s old: stale
    const alice = createSignaling({ transport: im.connect('alice') })
    const carol = createSignaling({ transport: im.connect('carol') })
    const bobTransport = im.connect('bob')
    const readings = withHeldReadings(bobTransport)
    const bob = createSignaling({ transport: bobTransport })
    const heard = rings(bob)

    await alice.invite('bob', 'stale', { timeout: 30 })
    await im.clock.advance(5_000)
    await carol.invite('bob', 'fresh', { timeout: 30 })
    await im.settle()

    expect(readings.asked()).toBe(1)
    expect(heard).toEqual(['carol']) // carol's invite arrived behind alice's and rang at once
    readings.answer()
    await im.settle()
    expect(heard).toEqual(['carol', 'alice'])
  })

  it('deadlines falling due together share one reading in flight', async () => {
    const im = new MemoryIm()
    const alice = createSignaling({ transport: im.connect('alice') })
    const bobTransport = im.connect('bob')
    const readings = withHeldReadings(bobTransport)
    const bob = createSignaling({ transport: bobTransport })
    const timedOut: string[] = []
    bob.addSignalingListener({ onInvitationTimeout: (id) => timedOut.push(id) })
    const ids = await Promise.all(Array.from({ length: 50 }, () => alice.invite('bob', 'call', { timeout: 30 })))
    await im.settle()

    await im.clock.advance(30_000) // 50 own deadlines at once
    expect(readings.asked()).toBe(1)
    expect(readings.inFlight()).toBe(1)
    expect(timedOut).toEqual([])
    readings.answer()
    await im.settle()
    expect(readings.asked()).toBe(1)
    expect(timedOut.sort()).toEqual([...ids].sort())
  })
})
