/**
 * Summaries and printing for the bench: min / median / max of repeated samples, fixed-width tables,
 * and the verdict words every target row ends with.
 *
 * @module
 */

export interface Spread {
  readonly min: number
  readonly median: number
  readonly max: number
  readonly n: number
}

export const spreadOf = (xs: readonly number[]): Spread | undefined => {
  if (xs.length === 0) return undefined
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return { min: sorted[0]!, median, max: sorted.at(-1)!, n: xs.length }
}

/** Least-squares slope of log(y) over log(x): 1 means y grows linearly with x. */
export const loglogSlope = (points: readonly (readonly [x: number, y: number])[]): number => {
  const xs = points.map(([x]) => Math.log(x))
  const ys = points.map(([, y]) => Math.log(y))
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length
  const my = ys.reduce((a, b) => a + b, 0) / ys.length
  const num = xs.reduce((acc, x, i) => acc + (x - mx) * (ys[i]! - my), 0)
  return num / xs.reduce((acc, x) => acc + (x - mx) ** 2, 0)
}

export type Verdict = 'MET' | 'MISSED' | 'not available' | 'not measured'

export const verdict = (ok: boolean | undefined): Verdict => (ok === undefined ? 'not measured' : ok ? 'MET' : 'MISSED')

export const count = (n: number): string => n.toLocaleString('en')

/** `1.23 µs`-style durations from nanoseconds. */
export const ns = (value: number): string =>
  value >= 1e6 ? `${(value / 1e6).toFixed(2)} ms` : value >= 1e3 ? `${(value / 1e3).toFixed(2)} µs` : `${value.toFixed(0)} ns`

/** Events per second from nanoseconds per event. */
export const rate = (nsPerEvent: number): string => `${(1e3 / nsPerEvent).toFixed(2)} M/s`

export const spreadCell = (s: Spread | undefined, show: (x: number) => string): string =>
  s === undefined ? '—' : `${show(s.min)} / ${show(s.median)} / ${show(s.max)}`

export const table = (rows: readonly (readonly string[])[]): void => {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)))
  const line = (row: readonly string[]): string =>
    row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd()
  console.log(line(rows[0]!))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const row of rows.slice(1)) console.log(line(row))
  console.log()
}
