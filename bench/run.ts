/**
 * `npm run bench` (add `-- --quick` for a short smoke run, `-- --no-xmpp` to skip the XMPP part,
 * `-- --groups` for the group rows alone: engine, reducer and bare loop at every N):
 * every figure of the library's performance targets, measured side by side and printed with the
 * target it answers to and MET or MISSED, then the XMPP bench (xmpp.bench.ts) as it stands.
 *
 * Method: each measurement runs in a fresh Node process (spawn.ts), so no contender inherits
 * another's JIT state, heap or garbage; repetitions are interleaved round by round, and within a
 * round the contenders run in a random order, so a burst of load from elsewhere hits all of them
 * alike and run order favours nobody. Every figure is printed as min / median / max of its
 * repetitions; ratios are between medians. The run's results go to bench/results/latest.json,
 * which `npm run bench:plot` draws.
 *
 * @module
 */
import { spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Audience } from './bigGroup.js'
import { oneToOneContenderNames, type GroupContenderName } from './contenders.js'
import { countEffects } from './effects.js'
import type { FacadeContender } from './facade.js'
import { report, type BigGroupRun, type Results } from './report.js'
import type { Job } from './sample.js'
import { bundleChild, runJob, type JobResult } from './spawn.js'
import { spreadOf } from './stats.js'
import type { Side } from './timing.js'

const args = process.argv.slice(2)
const quick = args.includes('--quick')
const groupsOnly = args.includes('--groups')
const withXmpp = !quick && !groupsOnly && !args.includes('--no-xmpp')
const here = dirname(fileURLToPath(import.meta.url))

/** What a run measures, and how often. */
const plan = quick
  ? {
      groupSizes: [10, 1_000, 100_000],
      groupReps: () => 2,
      minEvents: 50_000,
      xstateAt: undefined,
      lifecycles: 10_000,
      lifecycleReps: 2,
      memorySizes: [100, 100_000],
      facadeLifecycles: 2_000,
      facadeReps: 1,
      bigGroup: { all: [100], inviter: [100, 200] },
      bigGroupReps: { all: 1, inviter: 1 },
    }
  : {
      groupSizes: [10, 100, 1_000, 10_000, 100_000, 1_000_000],
      groupReps: (n: number) => (n >= 100_000 ? 3 : 5),
      // The full collection before a sample deoptimises part of the timing loop and the contender's
      // step (--trace-deopt), which V8 optimises again in the background while the sample runs:
      // over 100,000 events (30 ms) that recompilation was a large, load-dependent share of the
      // sample (the engine's N = 100 repetitions spread 271–1,070 ns on a loaded machine, over 3×;
      // 183–341 ns over 300,000).
      minEvents: 300_000,
      xstateAt: 1_000,
      // A sample's first chunks run while V8 optimises the timed contender again (its closure is
      // new; the engine's step also meets the state's connection input, a fifth input shape) or,
      // for the reducer's inviter side, for the first time: per-chunk timings at 25,000 showed
      // 10-27 of 196 chunks of the engine's invitee sample at 2-3x, and up to ~130 of the reducer's
      // inviter sample behind compiles that took 44 ms under load. 100,000 lifecycles make that a
      // few per cent of either; both samples then also pay V8's growth of its young generation
      // once (first-touch page faults), where at 25,000 the engine's did and the reducer's did not.
      lifecycles: 100_000,
      lifecycleReps: 5,
      // 2^17 + 1 sits just past a doubling of a hash table's capacity: the worst case for one.
      memorySizes: [100, 1_000, 10_000, 100_000, 2 ** 17 + 1, 1_000_000],
      // About a second timed per sample, after the warm-up `sampleFacade` runs (see `WARM_UP` there).
      facadeLifecycles: 50_000,
      facadeReps: 3,
      bigGroup: { all: [250, 1_000], inviter: [250, 500, 1_000] },
      // One run of the inviter rows moved its slope between N^0.89 and N^1.24 from run to run (a
      // collection or a burst of load in one run is a third of a second): the slope is fitted to
      // medians of interleaved repetitions. The 1,000-member group with every member hearing every
      // answer read 1.6-6.2 s from one process to the next on an idle machine (collections about
      // 0.4 s in fast and slow ones alike, the same few deopts): one run decided its verdict, so
      // it is the median of three.
      bigGroupReps: { all: 3, inviter: 5 },
    }

/** A run of the 1,000-member group is stopped this long after its setup: a few times its target. */
const stopAfterMs: Readonly<Record<Audience, number>> = { all: 20_000, inviter: 10_000 }

const shuffled = <T>(xs: readonly T[]): T[] => {
  const out = [...xs]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

let jobsRun = 0
const run = async (job: Job, limitMs?: number): Promise<JobResult> => {
  const result = await runJob(job, limitMs)
  process.stderr.write(++jobsRun % 50 === 0 ? '.\n' : '.')
  if ('failed' in result) process.stderr.write(`\n${JSON.stringify(job)} failed: ${result.failed}\n`)
  return result
}

const valueOf = (result: JobResult): number | undefined => ('ok' in result && 'value' in result.ok ? result.ok.value : undefined)

const push = <K extends string | number>(into: Partial<Record<K, number[]>>, key: K, value: number | undefined): void => {
  if (value !== undefined) (into[key] ??= []).push(value)
}

// -------------------------------------------------------------------------------------------------
// Measuring
// -------------------------------------------------------------------------------------------------

const measureGroups = async (results: Results): Promise<void> => {
  const rounds = Math.max(...plan.groupSizes.map(plan.groupReps))
  for (let rep = 0; rep < rounds; rep++) {
    for (const n of plan.groupSizes) {
      if (rep >= plan.groupReps(n)) continue
      const contenders: GroupContenderName[] = ['engine', 'reducer', 'bare']
      if (n === plan.xstateAt && rep < 3) contenders.push('xstate')
      for (const contender of shuffled(contenders)) {
        const minEvents = contender === 'xstate' ? 20_000 : plan.minEvents
        push((results.group[contender] ??= {}), n, valueOf(await run({ kind: 'group', contender, n, minEvents })))
      }
    }
  }
}

const measureLifecycles = async (results: Results): Promise<void> => {
  for (let rep = 0; rep < plan.lifecycleReps; rep++) {
    for (const side of ['inviter', 'invitee'] as const satisfies readonly Side[]) {
      for (const contender of shuffled(oneToOneContenderNames)) {
        const value = valueOf(await run({ kind: 'lifecycles', contender, side, lifecycles: plan.lifecycles }))
        push((results.lifecycles[side] ??= {}), contender, value)
      }
    }
  }
}

const measureMemory = async (results: Results): Promise<void> => {
  for (const n of plan.memorySizes) {
    for (const contender of ['engine', 'reducer', 'bare'] as const) {
      const value = valueOf(await run({ kind: 'groupMemory', contender, n }))
      if (value !== undefined) (results.groupMemory[contender] ??= {})[n] = value
    }
  }
  for (const side of ['inviter', 'invitee'] as const) results.pendingMemory[side] = valueOf(await run({ kind: 'pendingMemory', side }))
}

const measureFacade = async (results: Results): Promise<void> => {
  for (let rep = 0; rep < plan.facadeReps; rep++) {
    for (const contender of shuffled<FacadeContender>(['direct', 'memory', 'floor'])) push(results.facade, contender, valueOf(await run({ kind: 'facade', contender, lifecycles: plan.facadeLifecycles })))
  }
}

const measureBigGroups = async (results: Results): Promise<void> => {
  const probe = await run({ kind: 'audienceProbe' })
  results.audienceAvailable = 'ok' in probe && 'available' in probe.ok && probe.ok.available
  for (const audience of ['all', 'inviter'] as const) {
    if (audience === 'inviter' && !results.audienceAvailable) continue
    // Sizes interleaved round by round and shuffled within a round, as the engine's rows are.
    const runs: Record<number, BigGroupRun[]> = {}
    for (let rep = 0; rep < plan.bigGroupReps[audience]; rep++) {
      for (const n of shuffled(plan.bigGroup[audience])) (runs[n] ??= []).push(bigGroupRun(await run({ kind: 'bigGroup', n, audience }, stopAfterMs[audience])))
    }
    for (const n of plan.bigGroup[audience]) results.bigGroup[audience][n] = summarised(runs[n] ?? [])
  }
}

const bigGroupRun = (result: JobResult): BigGroupRun => {
  const ms = valueOf(result)
  return 'stopped' in result ? { stoppedAfterMs: result.stopped } : 'failed' in result || ms === undefined ? { failed: 'failed' in result ? result.failed : 'no result' } : { ms }
}

/** The median of the repetitions, each kept in `runs`; a repetition that was stopped or failed speaks for all. */
const summarised = (reps: readonly BigGroupRun[]): BigGroupRun => {
  const bad = reps.find((r) => r.ms === undefined)
  if (bad !== undefined || reps.length === 0) return bad ?? { failed: 'no result' }
  const times = reps.map((r) => r.ms!)
  return reps.length === 1 ? reps[0]! : { ms: spreadOf(times)!.median, runs: times }
}

// -------------------------------------------------------------------------------------------------
// The run
// -------------------------------------------------------------------------------------------------

const machine = () => {
  const cpus = os.cpus()
  return {
    node: process.version,
    v8: process.versions.v8,
    cpu: cpus[0]?.model ?? 'unknown CPU',
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    load: os.loadavg().map((x) => Math.round(x * 100) / 100),
  }
}

const started = machine()
const startedAt = new Date().toISOString()
console.log(`beckon bench${quick ? ' (--quick: fewer sizes and repetitions, no XMPP; not for quoting)' : ''}${groupsOnly ? ' (--groups: the group rows alone)' : ''} — ${startedAt}`)
console.log(`Node ${started.node} (V8 ${started.v8}), ${started.cpu}, ${started.cores} cores, ${started.memoryGiB} GiB`)
console.log(`Load average at start ${started.load.join(' / ')} (1 / 5 / 15 min) on ${started.cores} cores${started.load[0]! > started.cores / 2 ? ': other processes share the CPU, so absolute figures are low and noisy; ratios between contenders measured side by side hold better' : ''}.`)
console.log('Each measurement runs in a fresh process; repetitions are interleaved and contenders shuffled within each round.')
console.log('Cells read min / median / max of the repetitions; ratios are between medians. A dot on stderr is one finished measurement.\n')

await bundleChild()
const results: Results = {
  plan: { quick, startedAt, ...plan, groupReps: plan.groupSizes.map(plan.groupReps) },
  machine: { start: started, end: started },
  group: {},
  lifecycles: {},
  effects: countEffects(),
  groupMemory: {},
  pendingMemory: {},
  facade: {},
  audienceAvailable: false,
  bigGroup: { all: {}, inviter: {} },
}
const t = performance.now()
await measureGroups(results)
if (!groupsOnly) {
  await measureLifecycles(results)
  await measureMemory(results)
  await measureFacade(results)
  await measureBigGroups(results)
}
results.machine.end = machine()
process.stderr.write('\n')
console.log(`${jobsRun} measurements in ${((performance.now() - t) / 1e3).toFixed(0)} s; load average at the end ${results.machine.end.load.join(' / ')}.\n`)

const targets = report(results)
const out = join(here, 'results', quick ? 'quick.json' : groupsOnly ? 'groups.json' : 'latest.json')
mkdirSync(dirname(out), { recursive: true })
const written = `${JSON.stringify({ ...results, targets }, null, 1)}\n`
writeFileSync(out, written)
console.log(`Results written to ${out}; \`npm run bench:plot\` draws cost per event against N from them.`)
if (!quick && !groupsOnly) {
  // A full run is also kept under its start time, for `npm run bench:combine` to pool with others.
  const kept = join(here, 'results', `run-${startedAt.replace(/[:.]/g, '-')}.json`)
  writeFileSync(kept, written)
  console.log(`Kept as ${kept} too: \`npm run bench:combine\` pools every such run into one table.`)
}
console.log()

if (withXmpp) {
  const xmpp = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', join(here, 'xmpp.bench.ts')], { stdio: 'inherit' })
  process.exitCode = await new Promise<number>((resolve) => xmpp.on('close', (code) => resolve(code ?? 1)))
}
