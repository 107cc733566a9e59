/**
 * One timed sample of one contender, run inside a fresh process (see sample.ts): a JIT warm-up on
 * the same flow, a full GC, then the timed part. Only the step calls are timed: inputs are built
 * in chunks just before their turn (outside the timed region) and fresh states are made between
 * chunks, so a contender pays for its own work and its own garbage, not for building the bench's
 * inputs. It does share one cost with every contender: a scavenge in the timed region (which its
 * own garbage triggers) also copies the young inputs waiting their turn, the same for each. This
 * pulls ratios between contenders towards 1 where a step costs little next to its inputs (1:1
 * lifecycles); per-chunk timings read the gap wider (README, *Performance*).
 *
 * @module
 */
import { type Input } from '@beckon/core'
import { groupContenders, oneToOneContenders, type GroupContenderName, type GroupRun, type OneToOneContenderName } from './contenders.js'
import { alice, answerOrder, bob, groupAccept, groupInvite, inviteeIDs, inviteeLifecycle, inviterLifecycle, type ReceivedInput } from './flows.js'

/** Inputs per timed chunk: few enough that the inputs waiting their turn stay young and few. */
const CHUNK = 512

export interface Sample {
  readonly events: number
  readonly ms: number
  /** The sum of what the steps returned (effects emitted), so none can be optimised away. */
  readonly output: number
}

const fullGc = (): void => {
  const gc = globalThis.gc
  if (gc === undefined) throw new Error('run node with --expose-gc')
  gc()
}

// -------------------------------------------------------------------------------------------------
// Group invitations
// -------------------------------------------------------------------------------------------------

/**
 * `rounds` invitations to `n` invitees, each into a fresh state, answered in `order`. An invite and
 * each answer count as one event. Small groups share a chunk, so a timed region is never a handful
 * of steps between two clock reads.
 */
const runGroups = (name: GroupContenderName, n: number, order: Uint32Array, rounds: number): Sample => {
  const contender = groupContenders[name]
  const runs: GroupRun[] = []
  const inputs: ReceivedInput[] = []
  const toCheck: GroupRun[] = []
  let ms = 0
  let events = 0
  let output = 0
  const flush = (): void => {
    const start = performance.now()
    for (let k = 0; k < inputs.length; k++) output += runs[k]!.step(inputs[k]!)
    ms += performance.now() - start
    events += inputs.length
    runs.length = 0
    inputs.length = 0
    for (const run of toCheck) if (!run.ended()) throw new Error(`${name}: an invitation of ${n} did not end`)
    toCheck.length = 0
  }
  for (let round = 0; round < rounds; round++) {
    const run = contender(n)
    runs.push(run)
    // Each invite brings its own freshly decoded ids, as each answer does: one list shared by every
    // round let a Map-based contender hash each id once per process instead of once per invitation
    // (V8 keeps a string's hash in the string), a saving no invite decoded from the wire offers.
    inputs.push(groupInvite(inviteeIDs(n)))
    for (let k = 0; k < n; k++) {
      if (inputs.length >= CHUNK) flush()
      runs.push(run)
      inputs.push(groupAccept(order[k]!, k))
    }
    toCheck.push(run)
  }
  flush()
  return { events, ms, output }
}

/** Enough rounds that a sample holds at least `minEvents` events. */
const roundsFor = (n: number, minEvents: number): number => Math.max(1, Math.ceil(minEvents / (n + 1)))

/**
 * Warm-up rounds: 100,000 events warm the per-answer path, but a path run once per invitation (the
 * invite, the index built on the first answer, the end) needs thousands of calls before V8
 * optimises it. At N = 100 that was 990 invitations: the invite path was still being compiled in
 * the background while the sample was timed (`--trace-opt`), and the engine's figure spread over
 * 2×. At least {@link WARM_INVITATIONS} invitations, unless that passes {@link WARM_EVENTS_CAP}
 * events (at N ≥ 1,000 the per-invitation path is a tenth of a per cent of the events).
 */
const warmRounds = (n: number, minEvents: number): number =>
  Math.max(roundsFor(n, Math.min(minEvents, 100_000)), Math.min(WARM_INVITATIONS, roundsFor(n, WARM_EVENTS_CAP)))
const WARM_INVITATIONS = 5_000
const WARM_EVENTS_CAP = 500_000

/** One sample: warm up on the same flow (at most 10,000 invitees a round), collect, time. */
export const sampleGroup = (name: GroupContenderName, n: number, ordered: boolean, minEvents: number): Sample => {
  const order = ordered ? Uint32Array.from({ length: n }, (_, i) => i) : answerOrder(n)
  const warmN = Math.min(n, 10_000)
  const warmOrder = ordered ? Uint32Array.from({ length: warmN }, (_, i) => i) : answerOrder(warmN)
  runGroups(name, warmN, warmOrder, warmRounds(warmN, minEvents))
  fullGc()
  return runGroups(name, n, order, roundsFor(n, minEvents))
}

// -------------------------------------------------------------------------------------------------
// 1:1 lifecycles
// -------------------------------------------------------------------------------------------------

export type Side = 'inviter' | 'invitee'
const sides = { inviter: [inviterLifecycle, alice], invitee: [inviteeLifecycle, bob] } as const

/** Lifecycles `from .. to` of one device, four inputs each; each starts after the last one's tombstone went. */
const runLifecycles = (name: OneToOneContenderName, side: Side, from: number, to: number): Sample => {
  const [build, who] = sides[side]
  const run = oneToOneContenders[name](who)
  const inputs: Input[] = []
  let ms = 0
  let events = 0
  let output = 0
  for (let k = from; k < to; ) {
    inputs.length = 0
    for (; k < to && inputs.length < CHUNK; k++) inputs.push(...build(k))
    const start = performance.now()
    for (let i = 0; i < inputs.length; i++) output += run.step(inputs[i]!)
    ms += performance.now() - start
    events += inputs.length
  }
  if (run.held() !== 0) throw new Error(`${name}: 1:1 lifecycles left invitations behind`)
  return { events, ms, output }
}

export const sampleLifecycles = (name: OneToOneContenderName, side: Side, lifecycles: number): Sample => {
  runLifecycles(name, side, 0, Math.min(lifecycles, 20_000))
  fullGc()
  return runLifecycles(name, side, 0, lifecycles)
}
