/**
 * `npm run bench:plot [results.json] [out.svg]`: draws cost per event against N, log-log, for the
 * engine, the hand-written reducer and the bare loop, from the JSON a bench run wrote (default
 * bench/results/latest.json → bench/results/cost-per-event.svg). Each point is the median of the
 * run's repetitions, with a bar from their min to their max. Plain SVG, no dependency.
 *
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { GroupContenderName } from './contenders.js'
import type { Results } from './report.js'
import { count, spreadOf, type Spread } from './stats.js'

const here = dirname(fileURLToPath(import.meta.url))
const input = process.argv[2] ?? join(here, 'results', 'latest.json')
const output = process.argv[3] ?? join(dirname(input), 'cost-per-event.svg')
const results = JSON.parse(readFileSync(input, 'utf8')) as Results

const series: readonly { readonly name: GroupContenderName; readonly label: string; readonly colour: string }[] = [
  { name: 'engine', label: 'engine stepInto()', colour: '#d62728' },
  { name: 'reducer', label: 'hand-written reducer', colour: '#1f77b4' },
  { name: 'bare', label: 'bare loop (bookkeeping only)', colour: '#7f7f7f' },
]

type Point = readonly [n: number, spread: Spread]
const pointsOf = (name: GroupContenderName): Point[] =>
  Object.entries(results.group[name] ?? {})
    .flatMap(([n, samples]): Point[] => {
      const spread = spreadOf(samples)
      return spread === undefined ? [] : [[Number(n), spread]]
    })
    .sort((a, b) => a[0] - b[0])

// -------------------------------------------------------------------------------------------------
// Geometry
// -------------------------------------------------------------------------------------------------

const width = 720
const height = 440
const margin = { left: 70, right: 40, top: 40, bottom: 60 }
const all = series.flatMap(({ name }) => pointsOf(name))
if (all.length === 0) throw new Error(`${input} has no group measurements`)
const decade = (x: number, round: (y: number) => number): number => 10 ** round(Math.log10(x))
const xRange = [decade(Math.min(...all.map(([n]) => n)), Math.floor), decade(Math.max(...all.map(([n]) => n)), Math.ceil)] as const
const yRange = [decade(Math.min(...all.map(([, s]) => s.min)), Math.floor), decade(Math.max(...all.map(([, s]) => s.max)), Math.ceil)] as const
const scale = (value: number, [lo, hi]: readonly [number, number], from: number, to: number): number =>
  from + ((Math.log10(value) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (to - from)
const x = (n: number): number => scale(n, xRange, margin.left, width - margin.right)
const y = (ns: number): number => scale(ns, yRange, height - margin.bottom, margin.top)
const decades = ([lo, hi]: readonly [number, number]): number[] => {
  const out: number[] = []
  for (let v = lo; v <= hi * 1.0001; v *= 10) out.push(v)
  return out
}
const nsLabel = (v: number): string => (v >= 1e6 ? `${v / 1e6} ms` : v >= 1e3 ? `${v / 1e3} µs` : `${v} ns`)
const f = (v: number): string => v.toFixed(1)

// -------------------------------------------------------------------------------------------------
// Drawing
// -------------------------------------------------------------------------------------------------

const grid = [
  ...decades(xRange).map((v) => `<line x1="${f(x(v))}" x2="${f(x(v))}" y1="${margin.top}" y2="${height - margin.bottom}" class="grid"/><text x="${f(x(v))}" y="${height - margin.bottom + 18}" text-anchor="middle">${count(v)}</text>`),
  ...decades(yRange).map((v) => `<line x1="${margin.left}" x2="${width - margin.right}" y1="${f(y(v))}" y2="${f(y(v))}" class="grid"/><text x="${margin.left - 8}" y="${f(y(v) + 4)}" text-anchor="end">${nsLabel(v)}</text>`),
]

const lines = series.map(({ name, colour }) => {
  const points = pointsOf(name)
  const path = points.map(([n, s], i) => `${i === 0 ? 'M' : 'L'}${f(x(n))},${f(y(s.median))}`).join(' ')
  const marks = points.map(([n, s]) => `<line x1="${f(x(n))}" x2="${f(x(n))}" y1="${f(y(s.min))}" y2="${f(y(s.max))}" stroke="${colour}"/><circle cx="${f(x(n))}" cy="${f(y(s.median))}" r="3.5" fill="${colour}"><title>${name}, N = ${count(n)}: ${s.median.toFixed(0)} ns (min ${s.min.toFixed(0)}, max ${s.max.toFixed(0)}, ${s.n} runs)</title></circle>`)
  return `<path d="${path}" fill="none" stroke="${colour}" stroke-width="2"/>${marks.join('')}`
})

const legend = series.map(({ label, colour }, i) => {
  const ly = margin.top + 10 + i * 18
  return `<line x1="${width - 250}" x2="${width - 226}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2"/><text x="${width - 220}" y="${ly + 4}">${label}</text>`
})

const { start } = results.machine
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">
<style>.grid { stroke: #ddd; } text { fill: #333; }</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">Cost per event of one group invitation answered by N invitees (random order)</text>
${grid.join('\n')}
${lines.join('\n')}
${legend.join('\n')}
<text x="${(margin.left + width - margin.right) / 2}" y="${height - 22}" text-anchor="middle">N (invitees), log scale; median of fresh-process runs, bars min–max</text>
<text x="16" y="${height / 2}" text-anchor="middle" transform="rotate(-90 16 ${height / 2})">time per event, log scale</text>
<text x="${width - margin.right}" y="${height - 6}" text-anchor="end" font-size="10">Node ${start.node}, ${start.cores} cores, load ${start.load.join(' / ')} at start</text>
</svg>
`
writeFileSync(output, svg)
console.log(`wrote ${output}`)
