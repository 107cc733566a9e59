/**
 * `npm run bench:combine [run.json …]`: one table from several full `npm run bench` runs (default:
 * every `bench/results/run-*.json`, which each full run writes beside `latest.json`).
 *
 * Why: a row near its target can read MET in one run and MISSED in the next with the same code (a
 * burst of load from elsewhere lands on a few of its repetitions). One run's verdict on such a row
 * says little; the repetitions of several runs, pooled, say more. So:
 * - every run's own verdicts are printed first, with the rows on which the runs disagree and what
 *   each run measured there, so no run is hidden behind the pooled figure;
 * - then the full report of the pooled repetitions: every sample of every run goes into its row's
 *   min / median / max (each run's samples were taken interleaved, in fresh processes, as
 *   `run.ts` describes), a figure a run takes once (memory per pending invitee, the effects count)
 *   is the median of the runs' figures, and a big-group row keeps every repetition's time.
 *
 * Writes the pooled results to `bench/results/combined.json` (`npm run bench:plot
 * bench/results/combined.json` draws them). The part over Prosody (`xmpp.bench.ts`, which a full
 * run prints after its table) keeps no JSON and is not pooled: each run's log has its own.
 *
 * @module
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { report, type BigGroupRun, type Results } from './report.js'
import { spreadOf, table } from './stats.js'

const here = dirname(fileURLToPath(import.meta.url))
const resultsDir = join(here, 'results')

interface Row {
  readonly target: string
  readonly where: string
  readonly measured: string
  readonly verdict: string
}
type Run = Results & { readonly targets?: readonly Row[] }

const files = process.argv.length > 2 ? process.argv.slice(2) : readdirSync(resultsDir).filter((f) => /^run-.*\.json$/.test(f)).sort().map((f) => join(resultsDir, f))
if (new Set(files.map((f) => resolve(f))).size < files.length) throw new Error('a run is named twice: its samples would count twice')
if (files.length === 0) throw new Error(`no runs to combine: name their JSON files, or run \`npm run bench\` (it writes ${join(resultsDir, 'run-<time>.json')})`)
const runs = files.map((file) => {
  const run = JSON.parse(readFileSync(file, 'utf8')) as Run
  if (run.plan.quick === true) throw new Error(`${file} is a --quick run: its sizes and repetitions are not the full bench's, so it does not pool with full runs`)
  return run
})

// -------------------------------------------------------------------------------------------------
// Pooling
// -------------------------------------------------------------------------------------------------

type Nested<V> = Partial<Record<string, Partial<Record<string, V>>>>

/** Every run's samples under the same two keys, in one list. */
const pooledSamples = (tables: readonly Nested<number[]>[]): Record<string, Record<string, number[]>> => {
  const out: Record<string, Record<string, number[]>> = {}
  for (const t of tables) for (const [a, inner] of Object.entries(t)) for (const [b, samples] of Object.entries(inner ?? {})) ((out[a] ??= {})[b] ??= []).push(...(samples ?? []))
  return out
}

const median = (xs: readonly (number | undefined)[]): number | undefined => spreadOf(xs.filter((x): x is number => x !== undefined))?.median

/** The median of the runs' single figures under the same two keys. */
const medianOfFigures = (tables: readonly Nested<number>[]): Record<string, Record<string, number>> => {
  const lists = pooledSamples(tables.map((t) => Object.fromEntries(Object.entries(t).map(([a, inner]) => [a, Object.fromEntries(Object.entries(inner ?? {}).map(([b, v]) => [b, v === undefined ? [] : [v]]))]))))
  const out: Record<string, Record<string, number>> = {}
  for (const [a, inner] of Object.entries(lists)) for (const [b, xs] of Object.entries(inner)) if (xs.length > 0) (out[a] ??= {})[b] = median(xs)!
  return out
}

/** Every repetition of every run; a repetition that was stopped or failed speaks for the row, as in one run. */
const pooledBigGroup = (rows: readonly (BigGroupRun | undefined)[]): BigGroupRun => {
  const present = rows.filter((r): r is BigGroupRun => r !== undefined)
  const bad = present.find((r) => r.ms === undefined)
  if (bad !== undefined || present.length === 0) return bad ?? { failed: 'no result' }
  const times = present.flatMap((r) => r.runs ?? [r.ms!])
  return { ms: spreadOf(times)!.median, runs: times }
}

const effects = runs.map((r) => JSON.stringify(r.effects))
if (new Set(effects).size > 1) console.log('Note: the runs counted different effects per lifecycle (a count, not a timing): the code differs between them.\n')

const pooled: Results = {
  plan: { ...runs[0]!.plan, pooledRuns: files.map((f) => basename(f)) },
  machine: { start: runs[0]!.machine.start, end: runs.at(-1)!.machine.end },
  group: pooledSamples(runs.map((r) => r.group)),
  lifecycles: pooledSamples(runs.map((r) => r.lifecycles)),
  effects: runs[0]!.effects,
  groupMemory: medianOfFigures(runs.map((r) => r.groupMemory)),
  pendingMemory: medianOfFigures(runs.map((r) => ({ bytes: r.pendingMemory }))).bytes ?? {},
  facade: pooledSamples(runs.map((r) => ({ im: r.facade }))).im ?? {},
  audienceAvailable: runs.every((r) => r.audienceAvailable),
  bigGroup: {
    all: Object.fromEntries([...new Set(runs.flatMap((r) => Object.keys(r.bigGroup.all)))].map((n) => [n, pooledBigGroup(runs.map((r) => r.bigGroup.all[Number(n)]))])),
    inviter: Object.fromEntries([...new Set(runs.flatMap((r) => Object.keys(r.bigGroup.inviter)))].map((n) => [n, pooledBigGroup(runs.map((r) => r.bigGroup.inviter[Number(n)]))])),
  },
}

// -------------------------------------------------------------------------------------------------
// Printing
// -------------------------------------------------------------------------------------------------

console.log(`beckon bench: ${runs.length} full run${runs.length === 1 ? '' : 's'} pooled\n`)
table([
  ['run', 'started', 'load at start / end (1 min)', 'MET', 'MISSED'],
  ...runs.map((r, i) => [
    basename(files[i]!),
    String(r.plan.startedAt ?? '—'),
    `${r.machine.start.load[0]} / ${r.machine.end.load[0]}`,
    String(r.targets?.filter((t) => t.verdict === 'MET').length ?? '—'),
    String(r.targets?.filter((t) => t.verdict === 'MISSED').length ?? '—'),
  ]),
])

const rowKey = (t: Row): string => `${t.target} | ${t.where}`
const keys = [...new Set(runs.flatMap((r) => (r.targets ?? []).map(rowKey)))]
const split = keys.filter((key) => new Set(runs.map((r) => r.targets?.find((t) => rowKey(t) === key)?.verdict)).size > 1)
if (split.length === 0) console.log('Every run gave every row the same verdict.\n')
else {
  console.log(`Rows on which the runs disagree (${split.length}): each run's figure and verdict`)
  table([
    ['target', 'where', ...runs.map((_, i) => `run ${i + 1}`)],
    ...split.map((key) => {
      const [target, where] = key.split(' | ')
      return [target!, where!, ...runs.map((r) => {
        const t = r.targets?.find((row) => rowKey(row) === key)
        return t === undefined ? '—' : `${t.measured} ${t.verdict}`
      })]
    }),
  ])
}

console.log('The pooled repetitions of every run (cells: min / median / max over all of them):\n')
const targets = report(pooled)
const out = join(resultsDir, 'combined.json')
writeFileSync(out, `${JSON.stringify({ ...pooled, targets }, null, 1)}\n`)
console.log(`Pooled results written to ${out}; \`npm run bench:plot ${join('bench', 'results', 'combined.json')}\` draws them.`)
