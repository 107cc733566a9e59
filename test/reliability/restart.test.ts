/**
 * Restart (issue 4, item 3; SPEC §7 "The engine's state is plain serialisable data, so it can be
 * saved and restored with timers re-armed from absolute deadlines"): an app that saves
 * `snapshot()` and comes back with `createSignaling({ transport, restore })` after
 * `old.close()` loses nothing — ringing invitations keep their remaining time, deadlines hold on
 * the server clock, answers work on restored invitations, and what expired while it was away is
 * reported as timed out.
 *
 * - `examples`: each of those once, on an inviter, an invitee and a group observer. Decision
 *   (the library's too, since cb6aa7d): a restored app has forgotten its UI, so an invitation
 *   still ringing once the device has caught up rings again, for the time left to its deadline;
 *   one that expired meanwhile does not ring and is reported with `onInvitationTimeout`.
 * - `regressions`: the cases that fail today, each the smallest (see the FINDING comments).
 * - `a crash at every step`: every flow of `flows.ts` is played once without a crash, then once
 *   per (step, side, way of coming back) with one crash after that step; see `lawsOf` for what
 *   each run must satisfy.
 *
 * All clocks are exact here (clock skew has its own suite); times are server times.
 */
import { isDeepStrictEqual } from 'node:util'
import { createSignaling, type InvitationView } from '@beckon/core'
import { afterAll, describe, expect, it } from 'vitest'
import { outcome, World } from '../support/world.js'
import { Fleet, type CrashMode, type Heard, type Restart } from './fleet.js'
import { groupFlows, inviteIDOf, oneToOneFlows, SECOND, TIMEOUT_S, type Ctx, type Flow } from './flows.js'

const MINUTE = 60 * SECOND
/**
 * Rounds of the crash sweep: round 0 on an exact network (deliveries when the script says), each
 * further round on a network with a seeded random 0–40 ms latency. One round by default;
 * `BECKON_RELIABILITY_RUNS=3000` gives ten (and 3000 skew property runs).
 */
const rounds = Math.max(1, Math.round(Number(process.env.BECKON_RELIABILITY_RUNS ?? 300) / 300))

const figures = {
  cases: 0,
  restarts: 0,
  survived: 0,
  lost: 0,
  ringing: { hot: 0, cold: 0 },
  reRung: { hot: 0, cold: 0 },
  known: new Set<string>(),
}

afterAll(() => {
  console.log(
    `[reliability] restart: ${figures.cases} crash cases (${oneToOneFlows.length + groupFlows.length} flows × every step × every side × 3 ways back), ` +
      `${rounds} round(s), ${figures.restarts} restarts, ${figures.survived} survived, invitations lost ${figures.lost}, ` +
      `rung again when restored: cold ${figures.reRung.cold}/${figures.ringing.cold}, hot ${figures.reRung.hot}/${figures.ringing.hot}` +
      (figures.known.size === 0 ? '' : `; known failures: ${[...figures.known].join('; ')}`),
  )
})

// -------------------------------------------------------------------------------------------------
// Playing a flow with one crash
// -------------------------------------------------------------------------------------------------

interface Crash {
  readonly after: number
  readonly side: string
  readonly mode: CrashMode
}

interface Played {
  readonly flow: Flow
  readonly round: number
  readonly fleet: Fleet
  readonly ctx: Ctx
  readonly crash: Crash | undefined
  readonly restart: Restart | undefined
}

const play = async (flow: Flow, crash?: Crash, round = 0): Promise<Played> => {
  const fleet = new Fleet(round === 0 ? {} : { seed: round, network: { latency: { min: 0, max: 40 } } })
  for (const user of flow.users) fleet.join(user)
  if (flow.group !== undefined) {
    await fleet.node(flow.users[0]!).transport.createGroup(flow.group, flow.users.slice(1))
    await fleet.im.settle()
  }
  const ctx: Ctx = { inviteID: undefined, t: fleet.now(), command: undefined, results: [] }
  let restart: Restart | undefined
  for (const [i, step] of flow.steps.entries()) {
    if (crash?.after === i && step.actor === crash.side) fleet.crashOnNextSend(crash.side)
    await step.run(fleet, ctx)
    if (crash?.after === i) restart = await fleet.crash(crash.side, crash.mode)
  }
  await fleet.im.clock.advance(2 * MINUTE)
  await fleet.im.settle()
  return { flow, round, fleet, ctx, crash, restart }
}

/** `invitee state data device` for every invitee, as `name` finally holds the invitation. */
const rows = (view: InvitationView | undefined): string[] | undefined =>
  view?.invitees.map((invitee) => `${invitee.userID} ${invitee.state} ${JSON.stringify(invitee.data)} ${invitee.deviceID}`)

const factOf = (h: Heard): string => `${h.callback}(${[...h.about].sort().join(',')}, ${JSON.stringify(h.data)})`

/**
 * A ring of a restored instance for an invitation an earlier instance of the same device had
 * already rung: the restored app is told again what is ringing (by design, see the re-ring
 * finding), which is not a new fact.
 */
const isReRing = (fleet: Fleet, h: Heard): boolean =>
  h.callback === 'onReceiveNewInvitation' &&
  fleet.heard.some((e) => e.who === h.who && e.inviteID === h.inviteID && e.callback === 'onReceiveNewInvitation' && e.generation < h.generation)

/** What each outcome is reported with. */
const callbackOf: Record<string, Heard['callback']> = {
  accepted: 'onInviteeAccepted',
  rejected: 'onInviteeRejected',
  cancelled: 'onInvitationCancelled',
  timedOut: 'onInvitationTimeout',
}

/**
 * The laws of one run with a crash, as a list of broken ones (empty: the restart was survived).
 *
 * 1. The snapshot is plain JSON (`JSON.parse(JSON.stringify(s))` deep-equals `s`) and the
 *    restored instance shows exactly the views the old one had, plus, as pending, an invite of its
 *    own whose receipt the crash lost.
 * 2. Nothing lost: if anyone holds the invitation at the end, every party of the flow does.
 * 3. Convergence: every party holds the same outcome, data and answering device per invitee.
 * 4. Nobody is left pending (every invitation has `timeout > 0`).
 * 5. No timeout is reported before `t + timeout` (server clock).
 * 6. A restart adds no fact: no device's app hears the same fact twice — a restored instance
 *    ringing again what an earlier instance had rung aside (see the re-ring finding).
 * 7. The restored instance tells its app every change since the snapshot: for each invitee whose
 *    outcome or data there differs from the snapshot, it heard the matching callback — unless its
 *    own command after the restart decided it (the acting device learns from its promise).
 * 8. Coming back at once (`hot`, or `cold` with no downtime), the crash is invisible: final
 *    views equal the run without a crash, and each device heard the same facts at the same times
 *    (on the exact network only: with random latency a reconnect changes delivery times).
 * 9. A restored invitee device whose invitation is still ringing once it has caught up rings
 *    again (the app forgot its UI; the deadline is unchanged, so it rings for the time left),
 *    and no instance rings the same invitation twice.
 */
const lawsOf = (run: Played, baseline: Played): string[] => {
  const broken: string[] = []
  const { fleet, restart, crash } = run
  const id = inviteIDOf(fleet, run.ctx)
  // 1
  if (restart !== undefined) {
    if (!restart.plainJson) broken.push('the snapshot is not plain JSON')
    // An invite whose receipt the crash lost comes back as a provisional invitation of its own.
    const known = restart.viewsRestored.filter((view) => restart.viewsBefore.some((before) => before.inviteID === view.inviteID))
    const added = restart.viewsRestored.filter((view) => !known.includes(view))
    const inviter = crash === undefined ? undefined : fleet.node(crash.side).userID
    if (!isDeepStrictEqual(known, restart.viewsBefore)) broken.push('the restored instance shows other views')
    if (added.some((view) => view.inviter !== inviter || view.invitees.some((invitee) => invitee.state !== 'pending'))) {
      broken.push('the restored instance shows invitations it never sent')
    }
  }
  if (id === undefined) return broken
  const views = new Map(fleet.nodes.map((node) => [node.name, node.signaling.getInvitation(id)]))
  // 2
  const missing = [...views].filter(([, view]) => view === undefined).map(([name]) => name)
  if (missing.length > 0) {
    broken.push(`lost on ${missing.join(', ')}`)
    figures.lost++
  }
  // 3, 4
  const held = [...views].filter(([, view]) => view !== undefined)
  const first = rows(held[0]?.[1])
  for (const [name, view] of held) {
    if (!isDeepStrictEqual(rows(view), first)) broken.push(`${name} holds ${JSON.stringify(rows(view))}, ${held[0]![0]} ${JSON.stringify(first)}`)
    for (const invitee of view!.invitees) if (invitee.state === 'pending') broken.push(`${invitee.userID} still pending on ${name}`)
  }
  // 5
  for (const h of fleet.heard) {
    if (h.callback === 'onInvitationTimeout' && h.at < run.ctx.t + TIMEOUT_S * SECOND) broken.push(`${h.who} timed out at t + ${h.at - run.ctx.t} ms`)
  }
  // 6
  for (const node of fleet.nodes) {
    const facts = fleet.heard.filter((h) => h.who === node.name && h.inviteID === id && !isReRing(fleet, h)).map(factOf)
    const twice = facts.filter((fact, i) => facts.indexOf(fact) !== i)
    if (twice.length > 0) broken.push(`${node.name} heard twice: ${twice.join(', ')}`)
  }
  // 7
  if (restart !== undefined && crash !== undefined) {
    const node = fleet.node(crash.side)
    const before = restart.viewsRestored.find((view) => view.inviteID === id)
    const after = node.signaling.getInvitation(id)
    const heard = fleet.heard.filter((h) => h.who === node.name && h.generation === node.generation && h.inviteID === id)
    for (const invitee of after?.invitees ?? []) {
      const was = before?.invitees.find((row) => row.userID === invitee.userID)
      if (was !== undefined && was.state === invitee.state && was.data === invitee.data) continue
      const own =
        invitee.deviceID === node.deviceID &&
        ((invitee.userID === node.userID && ['invitee.accepted', 'invitee.rejected'].includes(invitee.decidedBy ?? '')) ||
          (after!.inviter === node.userID && invitee.decidedBy === 'inviter.cancelled'))
      if (own) continue
      const told = heard.some((h) => h.callback === callbackOf[invitee.state] && h.about.includes(invitee.userID))
      if (!told) broken.push(`${node.name} was not told after the restart that ${invitee.userID} is ${invitee.state}`)
    }
  }
  // 9
  for (const view of ringingOnReturn(run)) if (!rangAgain(run, view)) broken.push(`${crash!.side} was ringing when restored and did not ring again`)
  for (const node of fleet.nodes) {
    const rings = fleet.heard.filter((h) => h.who === node.name && h.inviteID === id && h.callback === 'onReceiveNewInvitation').map((h) => h.generation)
    if (rings.some((generation, i) => rings.indexOf(generation) !== i)) broken.push(`${node.name} rang twice in one instance`)
  }
  // 8
  if (crash !== undefined && run.round === 0 && (crash.mode.kind === 'hot' || crash.mode.downMs === 0)) {
    const baseID = inviteIDOf(baseline.fleet, baseline.ctx)!
    for (const node of fleet.nodes) {
      const base = baseline.fleet.node(node.name)
      if (!isDeepStrictEqual(rows(node.signaling.getInvitation(id)), rows(base.signaling.getInvitation(baseID)))) {
        broken.push(`${node.name} ends otherwise than without a crash`)
      }
      const timeline = (p: Played, name: string) => p.fleet.heard.filter((h) => h.who === name && !isReRing(p.fleet, h)).map((h) => `${h.at - p.ctx.t} ${factOf(h)}`)
      const mine = timeline(run, node.name)
      const theirs = timeline(baseline, node.name)
      if (!isDeepStrictEqual(mine, theirs)) broken.push(`${node.name} heard ${JSON.stringify(mine)} instead of ${JSON.stringify(theirs)}`)
    }
  }
  return broken
}

/**
 * The invitations still ringing on a restored invitee device once it had caught up: its user
 * pending there, before the deadline, and not ended by a message that was waiting for it.
 */
const ringingOnReturn = (run: Played): InvitationView[] => {
  const { restart, crash, fleet } = run
  if (restart === undefined || crash === undefined) return []
  const node = fleet.node(crash.side)
  return restart.viewsRestored.filter((view) => {
    const mine = view.invitees.find((invitee) => invitee.userID === node.userID)
    if (mine?.state !== 'pending' || view.deadline === null || view.deadline <= restart.at) return false
    const endedOnReturn = fleet.heard.some(
      (h) =>
        h.who === node.name &&
        h.generation === node.generation &&
        h.inviteID === view.inviteID &&
        h.at === restart.at &&
        h.callback !== 'onReceiveNewInvitation' &&
        h.about.includes(node.userID),
    )
    return !endedOnReturn
  })
}

const rangAgain = (run: Played, view: InvitationView): boolean => {
  const node = run.fleet.node(run.crash!.side)
  return run.fleet.heard.some((h) => h.who === node.name && h.generation === node.generation && h.callback === 'onReceiveNewInvitation' && h.inviteID === view.inviteID)
}

// -------------------------------------------------------------------------------------------------
// Examples
// -------------------------------------------------------------------------------------------------

/** alice calls bob (30 s); `at` ms after the invite, `who` crashes and comes back `mode`. */
const oneToOneCrash = async (who: 'alice' | 'bob', at: number, mode: CrashMode, options: { onlineUserOnly?: boolean } = {}) => {
  const fleet = new Fleet()
  const alice = fleet.join('alice')
  const bob = fleet.join('bob')
  const t = fleet.now()
  const id = await alice.signaling.invite('bob', 'call', { timeout: TIMEOUT_S, onlineUserOnly: options.onlineUserOnly ?? false })
  await fleet.im.clock.advance(at)
  const restart = await fleet.crash(who, mode)
  figures.restarts++
  return { fleet, alice, bob, t, id, restart }
}

const heardBy = (fleet: Fleet, who: string, generation?: number) =>
  fleet.heard.filter((h) => h.who === who && (generation === undefined || h.generation === generation)).map((h) => `${h.at} ${factOf(h)}`)

const modes: readonly [string, CrashMode][] = [
  ['hot (same transport, still connected)', { kind: 'hot' }],
  ['cold (disconnected 5 s)', { kind: 'cold', downMs: 5 * SECOND }],
]

describe('examples: a restored instance', () => {
  it('saves plain JSON that round-trips and restores the same views, mid-way through a group call', async () => {
    const world = new World()
    const alice = world.join('alice')
    const bob = world.join('bob')
    const carol = world.join('carol')
    const dave = world.join('dave')
    await alice.transport.createGroup('g', ['bob', 'carol', 'dave'])
    const id = await alice.signaling.inviteInGroup('g', ['bob', 'carol', 'dave'], 'lesson', { timeout: 30 })
    await world.settle()
    await bob.signaling.accept(id, 'yes')
    await carol.signaling.reject(id, 'no')
    await world.settle()
    for (const party of [alice, bob, carol, dave]) {
      const snapshot = party.signaling.snapshot()
      const json: unknown = JSON.parse(JSON.stringify(snapshot))
      expect(json).toStrictEqual(snapshot)
      const views = party.signaling.listInvitations()
      party.signaling.close()
      const restored = createSignaling({ transport: party.transport, restore: json as typeof snapshot })
      expect(restored.listInvitations()).toStrictEqual(views)
      expect(restored.getInvitation(id)?.invitees.map((invitee) => invitee.state)).toEqual(['accepted', 'rejected', 'pending'])
      figures.restarts++
    }
  })

  for (const [name, mode] of modes) {
    it(`re-arms the invitee's deadline from its absolute time: a restored invitee times out at t + T exactly — ${name}`, async () => {
      const { fleet, t, id } = await oneToOneCrash('bob', 20 * SECOND, mode)
      await fleet.im.clock.advance(MINUTE)
      const timeouts = (who: string, generation?: number) => heardBy(fleet, who, generation).filter((line) => line.includes('onInvitationTimeout'))
      expect(timeouts('bob', 1)).toEqual([`${t + 30 * SECOND} onInvitationTimeout(bob, "")`])
      expect(timeouts('bob', 0)).toEqual([])
      expect(timeouts('alice')).toEqual([`${t + 30 * SECOND} onInvitationTimeout(bob, "")`])
      expect(fleet.node('bob').signaling.getInvitation(id)?.invitees[0]).toMatchObject({ state: 'timedOut', decidedBy: 'invitee.timedOut' })
    })

    it(`re-arms the inviter's + 5 s from its absolute time — ${name}`, async () => {
      const fleet = new Fleet()
      const alice = fleet.join('alice')
      fleet.join('bob').transport.disconnect()
      const t = fleet.now()
      await alice.signaling.invite('bob', 'call', { timeout: TIMEOUT_S })
      await fleet.im.clock.advance(20 * SECOND)
      await fleet.crash('alice', mode)
      figures.restarts++
      await fleet.im.clock.advance(MINUTE)
      expect(heardBy(fleet, 'alice')).toEqual([`${t + 35 * SECOND} onInvitationTimeout(bob, "")`])
    })

    it(`answers work on restored invitations: accept, reject, cancel — ${name}`, async () => {
      for (const [who, kind, expected] of [
        ['bob', 'accept', ['alice', 'onInviteeAccepted(bob, "ok")']],
        ['bob', 'reject', ['alice', 'onInviteeRejected(bob, "ok")']],
        ['alice', 'cancel', ['bob', 'onInvitationCancelled(bob, "ok")']],
      ] as const) {
        const { fleet, t } = await oneToOneCrash(who, 10 * SECOND, mode)
        await fleet.im.settle()
        const restored = fleet.node(who).signaling
        const id = restored.listInvitations()[0]!.inviteID
        expect(await outcome(restored[kind](id, 'ok'))).toBe('resolved')
        await fleet.im.clock.advance(MINUTE)
        const other = heardBy(fleet, expected[0]).filter((line) => !line.includes('onReceiveNewInvitation'))
        const down = mode.kind === 'cold' ? mode.downMs : 0
        expect(other).toEqual([`${t + 10 * SECOND + down} ${expected[1]}`])
      }
    })
  }

  it('a restored group member rejects, and every member hears it', async () => {
    const fleet = new Fleet()
    const [alice] = ['alice', 'bob', 'carol', 'dave'].map((user) => fleet.join(user))
    await alice!.transport.createGroup('g', ['bob', 'carol', 'dave'])
    const id = await alice!.signaling.inviteInGroup('g', ['bob', 'carol'], 'lesson', { timeout: 30 })
    await fleet.im.settle()
    await fleet.crash('carol', { kind: 'cold', downMs: 3 * SECOND })
    figures.restarts++
    await fleet.im.settle()
    expect(await outcome(fleet.node('carol').signaling.reject(id, 'no'))).toBe('resolved')
    await fleet.im.settle()
    for (const who of ['alice', 'bob', 'dave']) expect(heardBy(fleet, who).filter((line) => line.includes('Rejected'))).toEqual([`${fleet.now()} onInviteeRejected(carol, "no")`])
  })

  it('reports an invitation that expired while the invitee was away as timed out, from its own timer (online-only: nothing stored)', async () => {
    const { fleet, t, id } = await oneToOneCrash('bob', 10 * SECOND, { kind: 'cold', downMs: MINUTE }, { onlineUserOnly: true })
    await fleet.im.settle()
    expect(heardBy(fleet, 'bob', 1)).toEqual([`${t + 70 * SECOND} onInvitationTimeout(bob, "")`])
    expect(fleet.node('bob').signaling.getInvitation(id)?.invitees[0]).toMatchObject({ state: 'timedOut' })
    // alice had ended bob at t + 35 s; his late timeout changes nothing there
    expect(heardBy(fleet, 'alice')).toEqual([`${t + 35 * SECOND} onInvitationTimeout(bob, "")`])
  })

  it("reports an invitation that expired while the invitee was away as timed out, from the inviter's stored timeout", async () => {
    const { fleet, t, id } = await oneToOneCrash('bob', 10 * SECOND, { kind: 'cold', downMs: MINUTE })
    await fleet.im.settle()
    expect(heardBy(fleet, 'bob', 1)).toEqual([`${t + 70 * SECOND} onInvitationTimeout(bob, "")`])
    expect(fleet.node('bob').signaling.getInvitation(id)?.invitees[0]).toMatchObject({ state: 'timedOut', decidedBy: 'inviter.timedOut' })
  })

  it('reports an invitation that expired while the inviter was away as timed out on the restored inviter', async () => {
    const fleet = new Fleet()
    const alice = fleet.join('alice')
    fleet.join('bob').transport.disconnect()
    const t = fleet.now()
    const id = await alice.signaling.invite('bob', 'call', { timeout: TIMEOUT_S })
    await fleet.im.clock.advance(10 * SECOND)
    await fleet.crash('alice', { kind: 'cold', downMs: MINUTE })
    figures.restarts++
    await fleet.im.settle()
    expect(heardBy(fleet, 'alice', 1)).toEqual([`${t + 70 * SECOND} onInvitationTimeout(bob, "")`])
    expect(alice.signaling.getInvitation(id)?.invitees[0]).toMatchObject({ state: 'timedOut', decidedBy: 'inviter.timedOut' })
  })

  it("reports expiry on a restored group observer at its + 10 s when no message reaches it", async () => {
    const fleet = new Fleet()
    const [alice] = ['alice', 'bob', 'erin'].map((user) => fleet.join(user))
    await alice!.transport.createGroup('g', ['bob', 'erin'])
    const t = fleet.now()
    const id = await alice!.signaling.inviteInGroup('g', ['bob'], 'lesson', { timeout: 30 })
    await fleet.im.settle()
    fleet.im.setLink({ loss: 1 }, { to: 'erin' })
    await fleet.im.clock.advance(20 * SECOND)
    await fleet.crash('erin', { kind: 'hot' })
    figures.restarts++
    await fleet.im.clock.advance(MINUTE)
    // The restored app is shown the invitation again (it forgot its UI), then expires it at + 10 s.
    expect(heardBy(fleet, 'erin', 1)).toEqual([`${t + 20 * SECOND} onReceiveNewInvitation(bob, "lesson")`, `${t + 40 * SECOND} onInvitationTimeout(bob, "")`])
    expect(fleet.node('erin').signaling.getInvitation(id)?.invitees[0]).toMatchObject({ state: 'timedOut', decidedBy: 'timer.expired' })
  })

  it('rings again on a restored invitee with what is left of its time, once caught up — cold (disconnected 5 s)', async () => {
    // A restart is a new app session that has forgotten its UI: the library repeats the ring.
    const { fleet, t, id } = await oneToOneCrash('bob', 12 * SECOND, { kind: 'cold', downMs: 5 * SECOND })
    await fleet.im.clock.advance(MINUTE)
    expect(heardBy(fleet, 'bob', 1)).toEqual([`${t + 17 * SECOND} onReceiveNewInvitation(bob, "call")`, `${t + 30 * SECOND} onInvitationTimeout(bob, "")`])
    expect(fleet.node('bob').signaling.getInvitation(id)?.invitees[0]?.state).toBe('timedOut')
  })

  it('does not ring again what expired while the device was away: a missed call instead', async () => {
    const { fleet, t } = await oneToOneCrash('bob', 12 * SECOND, { kind: 'cold', downMs: 20 * SECOND }, { onlineUserOnly: true })
    await fleet.im.clock.advance(MINUTE)
    expect(heardBy(fleet, 'bob', 1)).toEqual([`${t + 32 * SECOND} onInvitationTimeout(bob, "")`])
  })

  it('lets the app rebuild what is ringing from listInvitations(): pending, with its deadline on the server clock', async () => {
    const { fleet, t, id } = await oneToOneCrash('bob', 12 * SECOND, { kind: 'hot' })
    const [view] = fleet.node('bob').signaling.listInvitations()
    expect(view).toMatchObject({ inviteID: id, active: true, deadline: t + 30 * SECOND })
    expect(view?.invitees[0]?.state).toBe('pending')
    expect(view!.deadline! - fleet.node('bob').transport.serverNow()).toBe(18 * SECOND) // what is left to ring
  })
})

// -------------------------------------------------------------------------------------------------
// Regressions (failing today)
// -------------------------------------------------------------------------------------------------

describe('regressions', () => {
  /*
   * FINDING (a hot restore's ring is lost): since cb6aa7d a restored instance makes every active
   * invitation's ring decision again once connected (restoreState sets `presented: false`), which
   * is the behaviour this suite asks for (see the cold example above). But on a transport that is
   * already connected, `createSignaling` runs `connection.changed` — and so `present()` and the
   * `onReceiveNewInvitation` — synchronously inside itself, before it returns and before the app
   * can call `addSignalingListener`. The ring goes to no listener and `presented` is set, so it is
   * lost for good: the app of a restarted process whose IM session survived (or that reuses the
   * transport) never learns the phone is ringing. Suspected code:
   * packages/core/src/facade/createSignaling.ts, the `run({ type: 'connection.changed', … })` at
   * the end of construction. Suggested fix: run that first input in a microtask
   * (`queueMicrotask`), or buffer notifications until the first listener is added, or accept a
   * `listener` in `SignalingOptions` so it is in place before the first input.
   */
  it('a restored invitee rings again with what is left of its time — hot (same transport, still connected)', async () => {
    const { fleet, t, id } = await oneToOneCrash('bob', 12 * SECOND, { kind: 'hot' })
    await fleet.im.clock.advance(MINUTE)
    expect(heardBy(fleet, 'bob', 1)).toEqual([`${t + 12 * SECOND} onReceiveNewInvitation(bob, "call")`, `${t + 30 * SECOND} onInvitationTimeout(bob, "")`])
    expect(fleet.node('bob').signaling.getInvitation(id)?.invitees[0]?.state).toBe('timedOut')
  })

  /*
   * FINDING (a restored group inviter is rung by its own invitation): restoreState resets
   * `presented` for every active invitation, including the ones this very device sent
   * (`sentHere`). For a group invitation `rings()` is true for any member that is not an invitee
   * while someone is pending — so the inviter's restored sending device gets
   * `onReceiveNewInvitation(id, itself, group, invitees, data)` for its own invite, which it never
   * got before the crash (SPEC §3: "The acting device learns from its own call's promise"). An app
   * would show "alice invites …" to alice. 1:1 is not affected (a non-invitee never rings in 1:1).
   * Hidden on hot restores by the lost-ring finding above. Suspected code:
   * packages/core/src/engine/snapshot.ts `restoreState` (`presented: active ? false : …`) and
   * lifecycle.ts `rings()`. Suggested fix: keep `presented` for `sentHere` invitations, or make
   * `rings()` false on the device that sent the invite.
   */
  it('a group inviter restored mid-call is not rung by its own invitation', async () => {
    const fleet = new Fleet()
    const [alice] = ['alice', 'bob', 'carol'].map((user) => fleet.join(user))
    await alice!.transport.createGroup('g', ['bob', 'carol'])
    await alice!.signaling.inviteInGroup('g', ['bob', 'carol'], 'lesson', { timeout: 30 })
    await fleet.im.settle()
    await fleet.crash('alice', { kind: 'cold', downMs: 0 })
    figures.restarts++
    await fleet.im.settle()
    expect(heardBy(fleet, 'alice')).toEqual([])
  })

  /*
   * FINDING (crash in the send window loses the inviter's own invitation): the engine creates the
   * inviter's invitation only when the IM's receipt arrives (`send.taken` → `inviteTaken`), and
   * `snapshotOf` drops in-flight app commands. A crash after the IM took the invite but before the
   * receipt — one network round trip — leaves a snapshot without the invitation: the invitee rings
   * and answers, the restored inviter holds the answer as a message for an unknown invitation
   * (diagnostic `held`) until it is dropped, cannot cancel (8010: unknown invitation) and never
   * times anyone out; its app was told the invite failed (6014) although it went out. Suggested fix: keep in-flight app invites in the
   * snapshot (`outbox`-like, with the envelope) and, on restore, create them as provisional
   * invitations (`provisional: true`, `takenAt` = the stamp when sent, `sentHere: true`) so
   * answers apply, the + 5 s timer runs and `adoptServerTime` can fix `takenAt` from the carbon or
   * first answer; or persist the invitation before sending.
   */
  for (const flow of [oneToOneFlows[0]!, groupFlows[0]!]) {
    it(`${flow.name}: an inviter that crashes between the IM taking its invite and the receipt still holds it`, async () => {
      const baseline = await play(flow)
      const run = await play(flow, { after: 0, side: flow.users[0]!, mode: { kind: 'hot' } })
      figures.restarts++
      expect(lawsOf(run, baseline)).toEqual([])
    })
  }
})

describe('regressions: when to save', () => {
  /*
   * FINDING (no signal to save on): the sweep above saves the snapshot at the instant of the
   * crash, which no real app can do. The library gives no signal that its state changed, so the
   * natural app saves after each callback and command — and still misses changes that make no
   * callback: here a cancel that overtook its invite is held (diagnostic `held`, state changed,
   * no callback). The restored instance lacks it, the IM will not deliver it again (the device
   * already took it), so the cancelled call rings for its whole timeout and bob ends `timedOut`
   * while alice holds `cancelled` — for good (SPEC §3: "a cancelled call then never rings";
   * convergence). Suspected code: packages/core/src/facade/createSignaling.ts `run()` (the only
   * place that knows a step changed state) and types.ts `SignalingOptions`. Suggested fix: a
   * `addSnapshotListener(fn)` / `onStateChange` called after every step that changed the state
   * (effects other than diagnostics), so the app can persist before the next input; or an
   * injected storage port written by the facade.
   */
  it('an app that saves on every state change does not ring a call cancelled before its invite arrived', async () => {
    // Arrange: bob's app saves whenever the state changes; the cancel overtakes the invite, and is
    // held without any callback (saving after callbacks alone would miss it)
    const world = new World()
    const alice = world.join('alice')
    const bob = world.join('bob')
    let saved = JSON.stringify(bob.signaling.snapshot())
    bob.signaling.addStateChangeListener(() => void (saved = JSON.stringify(bob.signaling.snapshot())))
    world.im.hold()
    const id = await alice.signaling.invite('bob', 'call', { timeout: 30 })
    await alice.signaling.cancel(id, 'oops')
    const [invite, cancel] = world.im.inFlight().filter((delivery) => delivery.to.userID === 'bob')
    world.im.deliver(cancel!.id)
    expect(bob.signaling.diagnosticCounts().held).toBe(1) // the cancel is held, and no callback told the app
    // Act: bob's app restarts from what it saved; then the invite arrives
    bob.signaling.close()
    const restored = createSignaling({ transport: bob.transport, restore: JSON.parse(saved) as ReturnType<typeof bob.signaling.snapshot> })
    const rings: string[] = []
    restored.addSignalingListener({ onReceiveNewInvitation: (inviteID) => rings.push(inviteID) })
    world.im.deliver(invite!.id)
    world.im.release()
    await world.advance(MINUTE)
    figures.restarts++
    // Assert
    expect(rings).toEqual([])
    expect(restored.getInvitation(id)?.invitees[0]?.state).toBe(alice.signaling.getInvitation(id)?.invitees[0]?.state)
  })
})

// -------------------------------------------------------------------------------------------------
// A crash at every step
// -------------------------------------------------------------------------------------------------

/**
 * Failures that are known findings with their own regression test above: the label, or
 * `undefined` if the failure is not (entirely) explained by one.
 */
const knownFailure = (flow: Flow, crash: Crash, broken: readonly string[]): string | undefined => {
  const inviter = flow.users[0]!
  const lostRing = (line: string) => line === `${crash.side} was ringing when restored and did not ring again`
  if (crash.mode.kind === 'hot' && broken.every(lostRing)) return 'a hot restore’s ring goes out before the app can listen'
  if (crash.side !== inviter) return undefined
  if (crash.after === 0 && broken.some((line) => line === `lost on ${inviter}`)) return 'the inviter crashes in its invite’s send window: its invitation is lost'
  const rungByOwnInvite = (line: string) => line.startsWith(`${inviter} heard [`) && line.includes('onReceiveNewInvitation')
  if (flow.group !== undefined && crash.mode.kind === 'cold' && broken.every(rungByOwnInvite)) return 'a restored group inviter is rung by its own invitation'
  return undefined
}

const ways: readonly [string, CrashMode][] = [
  ['hot', { kind: 'hot' }],
  ['cold, back at once', { kind: 'cold', downMs: 0 }],
  ['cold, away 45 s', { kind: 'cold', downMs: 45 * SECOND }],
]

describe('a crash at every step, on every side', () => {
  for (const flow of [...oneToOneFlows, ...groupFlows]) {
    for (const side of flow.users) {
      for (const [way, mode] of ways) {
        it(`${flow.name}: ${side} crashes (${way}) after each of ${flow.steps.length} steps`, async () => {
          const failures: string[] = []
          for (let round = 0; round < rounds; round++) {
            const baseline = await play(flow, undefined, round)
            expect(lawsOf(baseline, baseline)).toEqual([]) // the flow itself is sound
            for (const [after, step] of flow.steps.entries()) {
              const crash: Crash = { after, side, mode }
              const run = await play(flow, crash, round)
              const broken = lawsOf(run, baseline)
              figures.cases++
              figures.restarts++
              for (const view of ringingOnReturn(run)) {
                figures.ringing[mode.kind]++
                if (rangAgain(run, view)) figures.reRung[mode.kind]++
              }
              if (broken.length === 0) figures.survived++
              const known = broken.length === 0 ? undefined : knownFailure(flow, crash, broken)
              if (known !== undefined) figures.known.add(known)
              else if (broken.length > 0) failures.push(`round ${round}, after step ${after} (${step.name}): ${broken.join('; ')}`)
            }
          }
          expect(failures).toEqual([])
        })
      }
    }
  }
})
