/**
 * Flow properties over the embedded IM with a hostile network (SPEC §3 "Arbitration").
 */
import { fc, test } from '@fast-check/vitest'
import { afterAll, describe, expect } from 'vitest'
import { outcomes, scenario, start, type Action, type Run, type Scenario } from './simulation.js'

const runs = Number(process.env.BECKON_PROPERTY_RUNS ?? 150)

/** What the README's Reliability section quotes. */
const figures = { worlds: 0, actions: 0, lossy: 0 }
const counted = async (s: Scenario) => {
  figures.worlds++
  figures.actions += s.actions.length
  if (s.loss > 0) figures.lossy++
  return start(s)
}
afterAll(() => {
  console.log(`[reliability] flows: ${figures.worlds} simulated worlds (${figures.lossy} lossy), ${figures.actions} answers and cancels at random times from 6 devices, over seeded latency, duplication, reordering and loss`)
})

/** Enough virtual time for every deadline, the +10 s expiry and the slowest delivery to pass. */
const finish = async (run: Run, timeoutSeconds: number): Promise<void> => {
  await run.im.clock.advance((timeoutSeconds === 0 ? 20 : timeoutSeconds) * 1000 + 40_000)
  await run.im.settle()
}

describe('with every message eventually delivered (late, duplicated, reordered)', () => {
  // Law (convergence): every party that holds the invitation ends with the same outcome, data and
  // answering device for every invitee — whatever order the answers, cancels and timeouts arrived in.
  test.prop([scenario({ lossy: false })], { numRuns: runs })('every party converges on one outcome per invitee', async (s) => {
    const run = await counted(s)
    await finish(run, s.timeout)
    const views = run.devices.map((d) => [d.name, outcomes(d.signaling.getInvitation(run.inviteID))] as const)
    const held = views.filter(([, view]) => view !== undefined)
    expect(held.length).toBe(s.group ? 6 : 4)
    for (const [, view] of held) expect(view).toEqual(held[0]![1])
  })

  // Law (one callback per fact, and callbacks agree with the views): a device never reports the
  // same outcome with the same data twice in a row for an invitee, and the last thing it learned
  // of an invitee — from a callback, or from its own command's promise — is its final view of it.
  // (Timeouts carry no data and may be learned from a local expiry, so only their kind counts.)
  test.prop([scenario({ lossy: false })], { numRuns: runs })('each party hears each fact once, and last what it finally holds', async (s) => {
    const run = await counted(s)
    await finish(run, s.timeout)
    for (const device of run.devices) {
      const view = device.signaling.getInvitation(run.inviteID)
      if (view === undefined) continue
      for (const invitee of view.invitees) {
        const key = (a: { outcome: string; data: string }) => (a.outcome === 'timedOut' ? a.outcome : `${a.outcome}:${a.data}`)
        const about = (callbacks: (r: (typeof device.reports)[number]) => boolean) =>
          device.reports.filter(callbacks).flatMap((r) => r.about.filter((a) => a.invitee === invitee.userID && a.outcome !== 'pending'))
        const heard = about((r) => r.callback !== 'self')
        for (let i = 1; i < heard.length; i++) expect(key(heard[i]!)).not.toBe(key(heard[i - 1]!))
        if (invitee.state === 'pending') continue
        const known = about(() => true).at(-1)
        expect({ device: device.name, invitee: invitee.userID, last: known && key(known) }).toEqual({
          device: device.name,
          invitee: invitee.userID,
          last: key({ outcome: invitee.state, data: invitee.data }),
        })
      }
    }
  })

  // Law: `timeout: 0` means no timers anywhere — no party ever reports a timeout.
  test.prop([scenario({ lossy: false }).filter((s) => s.timeout === 0)], { numRuns: Math.ceil(runs / 3) })('timeout 0 never produces a timeout callback', async (s) => {
    const run = await counted(s)
    await finish(run, s.timeout)
    for (const device of run.devices) expect(device.reports.filter((r) => r.callback === 'onInvitationTimeout')).toEqual([])
  })

  // Law: every command's promise settles, one way or the other.
  test.prop([scenario({ lossy: false })], { numRuns: Math.ceil(runs / 3) })('every promise settles', async (s) => {
    const run = await counted(s)
    await finish(run, s.timeout)
    expect(run.settled()).toBe(true)
  })
})

describe('the races SPEC §3 names, over random networks', () => {
  const network = fc.record({
    seed: fc.integer({ min: 1, max: 2 ** 30 }),
    latencyMax: fc.integer({ min: 0, max: 3_000 }),
    duplicate: fc.constantFrom(0, 0.3),
    group: fc.boolean(),
    skew: fc.integer({ min: 0, max: 1_500 }),
  })
  const races: Record<string, (skew: number) => Action[]> = {
    'accept vs cancel': (skew) => [
      { at: 1_500, device: 2, kind: 'accept', data: 'yes' },
      { at: 1_500 + skew, device: 0, kind: 'cancel', data: 'bye' },
    ],
    'accept vs timeout': (skew) => [{ at: 4_000 - skew, device: 3, kind: 'accept', data: 'yes' }],
    'two devices answer differently': (skew) => [
      { at: 1_500, device: 2, kind: 'accept', data: 'phone' },
      { at: 1_500 + skew, device: 3, kind: 'reject', data: 'laptop' },
    ],
  }
  for (const [name, actions] of Object.entries(races)) {
    // Law (convergence under a named race): however the network orders the crossing messages,
    // every party ends with the same outcome, data and answering device for every invitee.
    test.prop([network], { numRuns: Math.ceil(runs / 2) })(`${name}: every party converges`, async (n) => {
      const s: Scenario = { group: n.group, timeout: 4, seed: n.seed, latencyMax: n.latencyMax, duplicate: n.duplicate, loss: 0, actions: actions(n.skew) }
      const run = await counted(s)
      await finish(run, s.timeout)
      const views = run.devices.map((d) => outcomes(d.signaling.getInvitation(run.inviteID))).filter((v) => v !== undefined)
      for (const view of views) expect(view).toEqual(views[0])
      expect(views[0]!.some((o) => o.includes(':pending:'))).toBe(false)
    })
  }
})

describe('with messages lost', () => {
  // Law (liveness): with timeout > 0, every connected device that holds the invitation has an
  // outcome for every invitee by t + timeout + 10 s, t being when the server took the invite.
  test.prop([scenario({ lossy: true }).filter((s) => s.timeout > 0)], { numRuns: runs })('every holder decides every invitee by the deadline + 10 s', async (s) => {
    const run = await counted(s)
    const deadline = run.takenAt + s.timeout * 1000 + 10_000
    await run.im.clock.advance(deadline - run.im.clock.now())
    await run.im.settle()
    for (const device of run.devices) {
      const view = device.signaling.getInvitation(run.inviteID)
      if (view === undefined) continue
      expect({ device: device.name, pending: view.invitees.filter((i) => i.state === 'pending').map((i) => i.userID) }).toEqual({ device: device.name, pending: [] })
    }
  })
})
