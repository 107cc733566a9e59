/**
 * Fuzzing the engine through the transport (issue 4, item 4; SPEC §3 "Delivery faults", §4).
 *
 * A realistic world is built first (see `fixture.ts`), then at least 100,000 hostile inputs
 * (`BECKON_FUZZ_INPUTS` raises it) reach its devices the way an IM delivers them: handed to a
 * device by `MemoryIm.inject` (the IM bypassed: any sender, conversation or payload), or sent
 * through the IM by an authenticated attacker (mallory, who is in no group; carol on a second
 * device). Categories: random strings, random JSON, mutated envelopes, unknown actions, forged
 * roles, group messages from non-members, groupIDs that are not their conversation's, replays
 * (exact, re-sent, and after the retention period), and real sends.
 *
 * Laws, checked for every input:
 * 1. Nothing throws out of the engine or the facade: the transport's call into the listener
 *    returns normally, and no promise rejects unhandled.
 * 2. Hostile input changes nothing: `JSON.stringify(snapshot())` is the same before and after, no
 *    listener callback fires, nothing is sent and no timer is armed — on the device that received
 *    it and (for real sends) on every watched device. A replay of a message the device already had
 *    is hostile in exactly this sense: it must change nothing and fire nothing.
 * 3. Every hostile input is reported: the device's `diagnosticCounts()` total grows by at least
 *    one, `addDiagnosticListener` sees the same diagnostics, and one of them has the reason the
 *    SPEC's rule implies (a `DiagnosticReason`; see `oracle.ts`).
 *
 * Valid input is not fed: fast-check readily turns a mutation into a legitimate accept or cancel,
 * and a legitimate message must change state. Each generated input is first judged by the oracle
 * (`oracle.ts`: the codec, then SPEC §3's rules for the authenticated sender against the state
 * the device holds); only what it calls hostile is delivered, and what it sets aside is counted
 * (`valid` ones; `known` ones: inputs that a finding of this fuzz still mishandles — each finding
 * is probed before the run (`findings.ts`), so a fixed one is fuzzed again — see also
 * `regressions.test.ts`). `BECKON_FUZZ_AUDIT=1` feeds the set-aside inputs too, to check the oracle.
 *
 * A failure names the law, the seed, the input's place in the run and the input itself;
 * `BECKON_FUZZ_SEED=<seed> BECKON_FUZZ_INPUTS=<n>` replays the very same run. At the end one line
 * starting with `[reliability] fuzz:` gives the figures.
 */
import { fc } from '@fast-check/vitest'
import { defaultLimits, TransportError, type Conversation, type Diagnostic, type IncomingMessage } from '@beckon/core'
import { describe, expect, it } from 'vitest'
import { buildWorld, groups, membersOf, type FuzzWorld, type Watched } from './fixture.js'
import { categories, inputArb, type Category, type FuzzInput, type GenContext, type InjectInput, type KnownInvitation, type SendInput } from './generators.js'
import { presentFindings } from './findings.js'
import { classify, modelOf, type DeviceModel, type KnownFinding, type Verdict } from './oracle.js'

const budget = Math.max(1, Number(process.env.BECKON_FUZZ_INPUTS ?? 100_000))
// A fresh seed each run, as fast-check does for the other properties; printed in the summary and
// in every failure, and fixed with BECKON_FUZZ_SEED to replay a run.
const seed = process.env.BECKON_FUZZ_SEED === undefined ? (Date.now() ^ Math.floor(Math.random() * 2 ** 31)) | 0 : Number(process.env.BECKON_FUZZ_SEED)
const batchSize = 1000
/** Each batch's own seed, mixed so that no two (seed, phase, batch) share a stream. */
const batchSeed = (phase: number, batch: number): number => {
  let h = seed ^ 0x9e3779b9
  for (const x of [phase, batch]) {
    h = Math.imul(h ^ x, 0x85ebca6b)
    h ^= h >>> 13
    h = Math.imul(h, 0xc2b2ae35)
    h ^= h >>> 16
  }
  return h | 0
}
/**
 * `BECKON_FUZZ_AUDIT=1` checks the oracle instead of the engine: what it sets aside is fed too,
 * and the summary says how many of those changed state (a `valid` input that changes nothing was
 * hostile input lost to the fuzz; a `known` one that changes nothing is a finding fixed).
 */
const audit = process.env.BECKON_FUZZ_AUDIT === '1'
/** 90 % of the inputs against the built state, 10 % after the retention period has passed. */
const phases = [
  { name: 'main', share: 0.9 },
  { name: 'after-retention', share: 0.1 },
] as const

interface Stats {
  readonly tried: Record<Category, number>
  filtered: number
  readonly known: Record<KnownFinding, number>
  readonly diagnostics: Record<string, number>
  refusedByIm: number
  throws: number
  stateChanges: number
}

const protoKeys = (): string[] =>
  [Object.prototype, Array.prototype, Function.prototype, String.prototype].flatMap((proto) => Reflect.ownKeys(proto).map(String)).sort()

const show = (input: FuzzInput): string => {
  const { payload, ...rest } = input
  const shown = payload.length > 2000 ? `${JSON.stringify(payload.slice(0, 2000))}… (${payload.length} chars)` : JSON.stringify(payload)
  return `${JSON.stringify(rest, (key, value: unknown) => (key === 'replayOf' ? '(the same message again)' : value))}\n  payload: ${shown}`
}

const firstDifference = (a: string, b: string): string => {
  let i = 0
  while (i < a.length && a[i] === b[i]) i++
  return `at ${i}:\n  before …${a.slice(Math.max(0, i - 150), i + 150)}…\n  after  …${b.slice(Math.max(0, i - 150), i + 150)}…`
}

const sumCounts = (counts: Partial<Record<string, number>>): number => Object.values(counts).reduce((sum: number, n) => sum + (n ?? 0), 0)

/** The watched devices a real send reaches, as the IM delivers it (SPEC §3 "Who sees what"). */
const recipientsOf = (world: FuzzWorld, senderUser: string, senderDevice: string, to: Conversation) =>
  world.devices.flatMap((device, target) => {
    if (to.kind === 'group') {
      const members = membersOf(to.groupID)
      if (!members.includes(senderUser) || !members.includes(device.userID)) return []
      if (device.userID === senderUser && device.deviceID === senderDevice) return []
      return [{ target, conversation: to as Conversation, fromMyOtherDevice: device.userID === senderUser }]
    }
    if (device.userID === to.userID && device.userID !== senderUser) {
      return [{ target, conversation: { kind: 'user', userID: senderUser } as Conversation, fromMyOtherDevice: false }]
    }
    if (device.userID === senderUser && device.deviceID !== senderDevice) return [{ target, conversation: to, fromMyOtherDevice: true }]
    return []
  })

const knownInvitations = (world: FuzzWorld): KnownInvitation[] => {
  const byID = new Map<string, KnownInvitation>()
  for (const device of world.devices) {
    for (const view of device.signaling.listInvitations()) {
      byID.set(view.inviteID, {
        inviteID: view.inviteID,
        inviter: view.inviter,
        groupID: view.groupID,
        invitees: view.inviteeList,
        data: view.data,
        timeout: view.timeout,
      })
    }
  }
  return [...byID.values()]
}

describe('fuzzing the engine through the transport', () => {
  it(`${budget} hostile inputs: no throw, no state change, every one reported`, { timeout: Math.max(120_000, budget * 2) }, async () => {
    const started = performance.now()
    const protoBefore = protoKeys()
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)

    // Findings that still show are set aside (and counted); fixed ones are fuzzed like the rest.
    const present = await presentFindings()
    const world = await buildWorld()
    const { im, devices } = world
    const ctx: GenContext = { devices, invitations: knownInvitations(world), heldIDs: world.heldIDs, groupIDs: Object.keys(groups) }
    const stats: Stats = {
      tried: Object.fromEntries(categories.map((c) => [c, 0])) as Record<Category, number>,
      filtered: 0,
      known: { F1: 0, F2: 0, F3: 0, F4: 0, F5: 0, F6: 0, F7: 0, transport: 0 },
      diagnostics: {},
      refusedByIm: 0,
      throws: 0,
      stateChanges: 0,
    }
    const retentionMs = defaultLimits.retentionMs
    let snapshots: string[] = []
    let models: DeviceModel[] = []
    const rebaseline = (): void => {
      snapshots = devices.map((device) => JSON.stringify(device.signaling.snapshot()))
      models = devices.map((device) => modelOf(device.signaling.snapshot(), retentionMs))
    }
    /** Per device: callbacks fired, messages sent, and the due times of the timers armed now. */
    const totals = (): string =>
      devices.map((d) => `${d.probe.callbacks}/${d.probe.sends}/[${[...d.probe.timers.values()].sort((a, b) => a - b).join(',')}]`).join(' ')
    let seq = 0
    let where = ''

    const fail = (law: string, input: FuzzInput, verdict: Verdict | undefined, detail: string): never => {
      throw new Error(
        `fuzz: ${law} — input ${where}, seed ${seed}\n` +
          `  category: ${input.category}; oracle: ${verdict === undefined ? '-' : `${verdict.kind} (${verdict.why})`}\n` +
          `  ${detail}\n  input: ${show(input)}\n` +
          `  replay: BECKON_FUZZ_SEED=${seed} BECKON_FUZZ_INPUTS=${budget} npx vitest run test/fuzz/transport.test.ts`,
      )
    }

    /**
     * Law 2 on one device: its snapshot and every device's callbacks, sends and timers are
     * unchanged, and its state-change listener was not called (while F6 shows, that last one is
     * counted as the finding instead).
     */
    const unchanged = (input: FuzzInput, verdict: Verdict | undefined, target: number, totalsBefore: string): void => {
      const device = devices[target]!
      if (device.probe.stateChanges > 0) {
        if (!present.has('F6')) fail('law 2 broken (state-change listener called)', input, verdict, `${device.name} said its state changed`)
        stats.known.F6++
        device.probe.stateChanges = 0
      }
      const after = JSON.stringify(device.signaling.snapshot())
      if (after !== snapshots[target]) {
        stats.stateChanges++
        fail('law 2 broken (state changed)', input, verdict, `${device.name}'s snapshot changed ${firstDifference(snapshots[target]!, after)}`)
      }
      const totalsAfter = totals()
      if (totalsAfter !== totalsBefore) {
        stats.stateChanges++
        fail('law 2 broken (callback, send or timer)', input, verdict, `callbacks/sends/[timer due times] per device went from ${totalsBefore} to ${totalsAfter}`)
      }
    }

    /** Law 3 on one device: reported on both channels, with an expected reason. */
    const reported = (input: FuzzInput, verdict: Verdict, device: Watched, fresh: readonly Diagnostic[], countsBefore: number): void => {
      if (fresh.length === 0) fail('law 3 broken (not reported)', input, verdict, `${device.name} reported nothing`)
      const expected = verdict.kind === 'hostile' ? verdict.expect : []
      if (expected.length > 0 && !fresh.some((d) => expected.includes(d.reason))) {
        fail('law 3 broken (wrong reason)', input, verdict, `${device.name} reported ${fresh.map((d) => d.reason).join(', ')}; expected one of ${expected.join(', ')}`)
      }
      const counted = sumCounts(device.signaling.diagnosticCounts()) - countsBefore
      if (counted !== fresh.length) fail('law 3 broken (counts)', input, verdict, `diagnosticCounts() grew by ${counted}, the listener saw ${fresh.length}`)
      for (const d of fresh) stats.diagnostics[d.reason] = (stats.diagnostics[d.reason] ?? 0) + 1
      device.probe.diagnostics.length = 0 // counted: keep memory flat over long runs
    }

    const feedInject = async (input: InjectInput): Promise<void> => {
      const device = devices[input.target]!
      const now = im.clock.now()
      const message: IncomingMessage = input.replayOf ?? {
        messageID: `fz-${++seq}`,
        sender: input.sender,
        senderDevice: input.senderDevice,
        conversation: input.conversation,
        payload: input.payload,
        serverTime: now,
        fromMyOtherDevice: input.fromMyOtherDevice,
        modified: input.modified,
      }
      let verdict = classify(models[input.target]!, message, now, present, input.replayOf !== undefined)
      // A replay of a message the device already processed must change nothing, whatever it says.
      // (Not when auditing: there the state moves on between a message and its replay.)
      if (!audit && input.replayOf !== undefined && verdict.kind === 'valid') verdict = { kind: 'hostile', expect: [], why: `a replay (${verdict.why})` }
      if (verdict.kind === 'valid') stats.filtered++
      if (verdict.kind === 'known') stats.known[verdict.finding]++
      if (verdict.kind !== 'hostile') return audit ? auditOne(input, verdict, message) : undefined
      const totalsBefore = totals()
      const diagnosticsBefore = device.probe.diagnostics.length
      const countsBefore = sumCounts(device.signaling.diagnosticCounts())
      try {
        im.inject({ userID: device.userID, deviceID: device.deviceID }, message)
      } catch (error) {
        stats.throws++
        fail('law 1 broken (threw)', input, verdict, `the transport's listener call threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
      }
      // The facade may take an input asynchronously (e.g. after asking the server for its clock):
      // then let it finish before judging.
      if (device.probe.diagnostics.length === diagnosticsBefore) await settle(input, verdict)
      unchanged(input, verdict, input.target, totalsBefore)
      reported(input, verdict, device, device.probe.diagnostics.slice(diagnosticsBefore), countsBefore)
      stats.tried[input.category]++
    }

    /** Per verdict: fed anyway, how many changed state (or threw) and how many did not. */
    const audited: Record<string, { changed: number; unchanged: number; example?: string }> = {}
    const auditOne = async (input: InjectInput, verdict: Exclude<Verdict, { kind: 'hostile' }>, message: IncomingMessage): Promise<void> => {
      const device = devices[input.target]!
      const totalsBefore = totals()
      let threw = false
      try {
        im.inject({ userID: device.userID, deviceID: device.deviceID }, message)
      } catch {
        threw = true
      }
      await im.settle().catch(() => (threw = true))
      const after = JSON.stringify(device.signaling.snapshot())
      const changed = threw || after !== snapshots[input.target] || totals() !== totalsBefore
      const key = verdict.kind === 'valid' ? 'valid' : verdict.finding
      const tally = (audited[key] ??= { changed: 0, unchanged: 0 })
      tally[changed ? 'changed' : 'unchanged']++
      if (!changed) tally.example ??= `${verdict.why}: ${show(input)}`
      snapshots[input.target] = after
      models[input.target] = modelOf(device.signaling.snapshot(), retentionMs)
    }

    /** Runs what is due on the IM now; a listener that throws makes it reject (law 1). */
    const settle = async (input: FuzzInput, verdict: Verdict | undefined): Promise<void> => {
      try {
        await im.settle()
      } catch (error) {
        stats.throws++
        fail('law 1 broken (threw)', input, verdict, `delivery threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
      }
    }

    const feedSend = async (input: SendInput): Promise<void> => {
      const transport = world.attackers[input.from]
      const now = im.clock.now()
      const recipients = recipientsOf(world, transport.userID, transport.deviceID, input.to)
      // The IM assigns the message id; judge with the smallest and the largest it could be.
      const verdicts = recipients.map(({ target, conversation, fromMyOtherDevice }) => {
        const message = (messageID: string): IncomingMessage => ({
          messageID,
          sender: transport.userID,
          senderDevice: transport.deviceID,
          conversation,
          payload: input.payload,
          serverTime: now,
          fromMyOtherDevice,
          modified: false,
        })
        const low = classify(models[target]!, message('\u0000'), now, present)
        const high = classify(models[target]!, message('\uffff'), now, present)
        return high.kind !== 'hostile' ? high : low
      })
      const setAside = verdicts.find((verdict) => verdict.kind !== 'hostile')
      if (setAside?.kind === 'valid') return void stats.filtered++
      if (setAside?.kind === 'known') return void stats.known[setAside.finding]++
      const totalsBefore = totals()
      const diagnosticsBefore = devices.map((device) => device.probe.diagnostics.length)
      const countsBefore = devices.map((device) => sumCounts(device.signaling.diagnosticCounts()))
      const refusal = await transport.send(input.to, input.payload, { onlineUserOnly: false }).then(
        () => undefined,
        (error: unknown) => error,
      )
      const shouldRefuse = input.to.kind === 'group' && !membersOf(input.to.groupID).includes(transport.userID)
      if (shouldRefuse !== (refusal !== undefined)) {
        fail('the IM', input, undefined, shouldRefuse ? 'the IM took a group message from a non-member' : `the IM refused: ${String(refusal)}`)
      }
      if (refusal !== undefined) {
        expect(refusal).toBeInstanceOf(TransportError)
        expect((refusal as TransportError).reason).toBe('NotMember')
        stats.refusedByIm++
      }
      await settle(input, undefined)
      devices.forEach((device, target) => {
        const verdict = verdicts[recipients.findIndex((r) => r.target === target)]
        unchanged(input, verdict, target, totalsBefore)
        const fresh = device.probe.diagnostics.slice(diagnosticsBefore[target])
        if (verdict !== undefined && refusal === undefined) reported(input, verdict, device, fresh, countsBefore[target]!)
        else if (fresh.length > 0) fail('an input reached a device it was not sent to', input, undefined, `${device.name} reported ${fresh.map((d) => d.reason).join(', ')}`)
      })
      stats.tried[input.category]++
    }

    const tried = (): number => Object.values(stats.tried).reduce((a, b) => a + b, 0)
    let goal = 0
    let setAside = 0
    for (const [p, phase] of phases.entries()) {
      if (phase.name === 'after-retention') {
        // Past the retention period: tombstones and held messages are gone, every recorded message is stale.
        await im.clock.advance(retentionMs + 60_000)
        await im.settle()
      }
      rebaseline()
      for (const device of devices) device.probe.stateChanges = 0
      goal = p === phases.length - 1 ? budget : Math.round(budget * phase.share)
      const arbitrary = inputArb(ctx, phase.name)
      for (let batch = 0; tried() < goal; batch++) {
        const inputs = fc.sample(arbitrary, { seed: batchSeed(p, batch), numRuns: batchSize })
        for (const [index, input] of inputs.entries()) {
          if (tried() >= goal) break
          where = `#${index} of batch ${batch} in phase ${phase.name}`
          if (input.via === 'inject') await feedInject(input)
          else await feedSend(input)
          if (audit && stats.filtered + sumCounts(stats.known) > setAside) {
            // What was fed anyway may have made a device send: let it land everywhere, then start afresh.
            await im.settle()
            rebaseline()
            setAside = stats.filtered + sumCounts(stats.known)
          }
        }
      }
    }
    await im.settle()
    await new Promise((resolve) => setTimeout(resolve, 0))
    process.off('unhandledRejection', onUnhandled)

    // Law 1, asynchronously: nothing rejected unhandled.
    expect(unhandled).toEqual([])
    // Prototype pollution: no input reached Object.prototype (or Array's, Function's, String's).
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false)
    expect(protoKeys()).toEqual(protoBefore)

    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    const list = (record: Record<string, number>): string =>
      Object.entries(record)
        .filter(([, n]) => n > 0)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, n]) => `${k}=${n}`)
        .join(' ')
    console.log(
      `[reliability] fuzz: inputs=${tried()} (${list(stats.tried)}; ${stats.refusedByIm} real sends refused by the IM) ` +
        `set-aside: valid=${stats.filtered} known-${list(stats.known)} (findings still showing: ${[...present].filter((f) => f !== 'transport').join(',') || 'none'}) | ` +
        `diagnostics=${sumCounts(stats.diagnostics)} (${list(stats.diagnostics)}) | throws=${stats.throws} state-changes=${stats.stateChanges} ` +
        `proto-pollution=0 | seed=${seed} ${seconds}s`,
    )
    if (audit) console.log(`[fuzz audit] set-aside inputs fed anyway:\n${JSON.stringify(audited, null, 2)}`)
    expect(tried()).toBeGreaterThanOrEqual(budget)
  })
})
