/**
 * The suite's figures, summed over every run, printed as one `[reliability] model:` line that the
 * README quotes.
 *
 * @module
 */
import type { Tally } from './world.js'

export interface Figures extends Tally {
  runs: number
  lossyRuns: number
  /** Invitations with `timeout > 0` that some device still held undecided after the heal (law 2: 0). */
  undecided: number
  /**
   * Timeout-0 invitations some device held pending at the end: not a failure, since an open-ended
   * invitation stays open until answered, cancelled, or retired under the caps (SPEC §8) — and a
   * world this small never reaches the caps, so none is retired here.
   */
  openWithoutTimeout: number
}

export const figures: Figures = {
  runs: 0,
  lossyRuns: 0,
  commands: 0,
  invitations: 0,
  drops: 0,
  duplicates: 0,
  reorders: 0,
  disconnects: 0,
  undecided: 0,
  openWithoutTimeout: 0,
}

export const addTally = (tally: Tally): void => {
  for (const key of Object.keys(tally) as (keyof Tally)[]) figures[key] += tally[key]
}

export const summaryLine = (seconds: number): string =>
  `[reliability] model: ${figures.runs} runs (${figures.lossyRuns} lossy), ${figures.commands} commands, ${figures.invitations} invitations; ` +
  `faults injected: ${figures.drops} drops, ${figures.duplicates} duplicates, ${figures.reorders} reorders, ${figures.disconnects} disconnects; ` +
  `invitations that ended without an outcome somewhere: ${figures.undecided} (open-ended, timeout 0, still open: ${figures.openWithoutTimeout}); ${seconds.toFixed(1)} s`
