/**
 * The seed's 1:1 video call, run from the examples on a virtual clock.
 */
import { describe, expect, it } from 'vitest'
import { MemoryIm } from '@beckon/adapter-memory'
import { acceptedCall, busyCall, callWorld, cancelledCall, rejectedCall, unansweredCall, type CallWorld } from '../../examples/scenarios.js'
import { Timeline } from '../../examples/timeline.js'

const world = async (): Promise<{ im: MemoryIm; w: CallWorld; start: number }> => {
  const im = new MemoryIm({ network: { latency: { min: 10, max: 40 } } })
  const start = im.clock.now()
  const w = await callWorld((user) => im.connect(user), im.clock, new Timeline(im.clock))
  return { im, w, start }
}

/** Runs a script to its end on the virtual clock. */
const play = async (im: MemoryIm, script: Promise<void>): Promise<void> => {
  let done = false
  const stop = () => (done = true)
  void script.then(stop, stop) // a script that fails ends the loop, and `await script` reports why
  while (!done) await im.clock.advance(100)
  await script
  await im.clock.advance(30_000)
}

/** Calls still pending somewhere; end-of-call notices stay open by design (call kits never cancel them). */
const pendingAnywhere = (w: CallWorld) =>
  [w.alice, w.bob, w.carol].flatMap((app) =>
    app.signaling
      .listInvitations()
      .filter((i) => i.active && !i.data.includes('call_end'))
      .map((i) => `${app.who}: ${i.inviteID}`),
  )

/** The end-of-call notices each app holds open, as `who: inviter→invitees`. */
const openNotices = (w: CallWorld) =>
  [w.alice, w.bob, w.carol].flatMap((app) =>
    app.signaling
      .listInvitations()
      .filter((i) => i.active && i.data.includes('call_end'))
      .map((i) => `${app.who}: ${i.inviter}→${i.invitees.map((invitee) => `${invitee.userID}:${invitee.state}`).join(',')}`),
  )

describe('a 1:1 video call', () => {
  it('rings the callee with the room id, connects both on accept, and ends with a notice that is shown, not rung', async () => {
    const { im, w } = await world()
    await play(im, acceptedCall(w))
    const bob = w.timeline.linesOf('bob')
    expect(bob[0]).toMatch(/^◀ onReceiveNewInvitation .* from alice to \[bob\]: call_type=2 room_id=42$/)
    expect(bob).toContain('▶ in call with alice (room 42)')
    expect(w.timeline.linesOf('alice')).toContain('▶ in call with bob (room 42)')
    expect(w.alice.notices).toEqual(['call with bob ended after 2 s'])
    expect(w.timeline.linesOf('alice').filter((l) => l.includes('rings'))).toEqual([])
    expect([w.alice.status, w.bob.status]).toEqual(['idle', 'idle'])
    expect(pendingAnywhere(w)).toEqual([])
    // The notice is never cancelled, as TUICallEngine leaves its hang-up notice: open at both ends.
    expect(openNotices(w)).toEqual(['alice: bob→alice:pending', 'bob: bob→alice:pending'])
  })

  it('tells the caller when the callee rejects', async () => {
    const { im, w } = await world()
    await play(im, rejectedCall(w))
    expect(w.timeline.linesOf('alice')).toContain('▶ call over: bob declined')
    expect(pendingAnywhere(w)).toEqual([])
  })

  it('rejects at once as busy, with the reason in data, when the callee is in another call', async () => {
    const { im, w } = await world()
    await play(im, busyCall(w))
    expect(w.timeline.linesOf('alice').some((l) => /onInviteeRejected .* bob: .*line_busy=line_busy/.test(l))).toBe(true)
    expect(w.timeline.linesOf('alice')).toContain('▶ call over: bob is busy')
    expect(w.carol.notices).toEqual(['call with bob ended after 1 s'])
    expect(pendingAnywhere(w)).toEqual([])
  })

  it('stops the ringing when the caller hangs up first', async () => {
    const { im, w } = await world()
    await play(im, cancelledCall(w))
    expect(w.timeline.linesOf('bob')).toContain('▶ call over: missed call from alice')
    expect(w.bob.status).toBe('idle')
    expect(pendingAnywhere(w)).toEqual([])
  })

  it('times out on both sides when nobody answers, the callee first', async () => {
    const { im, w, start } = await world()
    await play(im, unansweredCall(w, 2))
    const timeouts = w.timeline.entries.filter((e) => e.text.startsWith('onInvitationTimeout'))
    expect(timeouts.map((e) => e.who)).toEqual(['bob', 'alice'])
    // The callee's own timer at the deadline, to the millisecond; the caller is told by the
    // callee's message, before its own timer at deadline + 5 s.
    const { deadline } = w.alice.signaling.listInvitations()[0]!
    expect(start + timeouts[0]!.at).toBe(deadline)
    expect(start + timeouts[1]!.at).toBeLessThan(deadline! + 5_000)
    expect(pendingAnywhere(w)).toEqual([])
  })

  it('answers once the callee rings, however slow the network: the scripts wait for the ring, not a fixed pause', async () => {
    // Each message takes longer than the script's pause between the dial and the answer.
    const im = new MemoryIm({ network: { latency: { min: 1_000, max: 1_000 } } })
    const w = await callWorld((user) => im.connect(user), im.clock, new Timeline(im.clock))
    await play(im, acceptedCall(w, 10))
    expect(w.timeline.linesOf('bob')).toContain('▶ in call with alice (room 42)')
    expect(w.timeline.linesOf('alice')).toContain('▶ in call with bob (room 42)')
    expect(w.alice.notices).toHaveLength(1)
    expect(pendingAnywhere(w)).toEqual([])
  })
})
