/**
 * `npm run bench:inspect`: what watching invitations costs. Each scenario runs on the embedded IM
 * (virtual clock) with `createSignaling({ inspect })` off, then on with three kinds of watcher,
 * and prints each inspected run's time as a ratio of the same run without, against the target
 * (≤ 2×), with MET or MISSED:
 *
 * - `function, reads nothing`: an inspection function that only counts events;
 * - `observer, reads every snapshot`: reads each event's snapshot and `actorRef.getSnapshot()`, so
 *   XState computes every step and the engine is cross-checked on each (what an inspector UI does);
 * - `@statelyai/inspect`: its `createInspector` with an adapter that drops what it would send,
 *   waiting for its idle-time conversion (serialising the definition and each snapshot) to finish.
 *
 * One more row is a diagnostic, not a product path and not judged: the same inspector shown each
 * actor without its machine (`logic`), so it serialises no definition. The difference between
 * the two Stately rows is what serialising the definition once per actor costs inside
 * `@statelyai/inspect`.
 *
 * Scenarios: a group invitation to 1,000 invitees on the inviter's device, every answer arriving
 * and the tombstone retired after retention; and 1,000 1:1 calls, every caller and callee
 * inspected. Each figure is the median of several runs, off and on interleaved, after warm-up
 * rounds (the group run takes milliseconds: with a single warm-up round its run without
 * inspection was still being compiled, four times slower than warm, which flattered every
 * ratio). Wall time decides MET or MISSED; the process's CPU time is printed beside it, as
 * other work on a shared machine stretches wall time but not CPU time.
 *
 * @module
 */
import os from 'node:os'
import type { ActorRefLike, AnyActorRef, InspectionEvent } from 'xstate'
import { createInspector } from '@statelyai/inspect'
import { ActionType, createSignaling, encodeEnvelope, type InspectOption, type Signaling } from '@beckon/core'
import { MemoryIm } from '@beckon/adapter-memory'

const invitees = 1_000
const repetitions = Number(process.env.BECKON_BENCH_RUNS ?? 7)
const target = 2
const retentionMs = 600_000

// -------------------------------------------------------------------------------------------------
// Watchers
// -------------------------------------------------------------------------------------------------

interface Watcher {
  readonly name: string
  /** Printed for explanation only, not judged against the target. */
  readonly diagnostic?: true
  /** A fresh `inspect` option, or `undefined` for the run without inspection. */
  readonly option: () => InspectOption | undefined
  /** Lets the watcher finish what it does after the run (the Stately inspector converts when idle). */
  readonly drain: () => Promise<void>
}

let seen = 0
const nothing = async () => {}
const readSnapshot = (event: InspectionEvent) => {
  if (event.type === '@xstate.snapshot') seen += (event.snapshot as { value?: unknown }).value === undefined ? 0 : 1
  else if (event.type === '@xstate.actor') seen += event.actorRef.getSnapshot() === undefined ? 0 : 1
}

/** The actor as the inspector would see it if it had no machine: same id, session and snapshots. */
const withoutLogic = (actorRef: ActorRefLike & { readonly id?: string }): AnyActorRef =>
  ({ id: actorRef.id, sessionId: actorRef.sessionId, _parent: undefined, getSnapshot: () => actorRef.getSnapshot() }) as unknown as AnyActorRef

const watchers: readonly Watcher[] = [
  { name: 'off', option: () => undefined, drain: nothing },
  { name: 'function, reads nothing', option: () => () => void seen++, drain: nothing },
  { name: 'observer, reads every snapshot', option: () => ({ next: readSnapshot }), drain: nothing },
  {
    name: '@statelyai/inspect (adapter drops)',
    option: () => createInspector({ send: () => void seen++, start: () => {}, stop: () => {} }),
    drain: () => new Promise((resolve) => setTimeout(resolve, 1)),
  },
  {
    name: '  same, definition withheld (diagnostic)',
    diagnostic: true,
    option: () => {
      const inspector = createInspector({ send: () => void seen++, start: () => {}, stop: () => {} })
      return (event: InspectionEvent) => inspector.inspect.next?.(event.type === '@xstate.actor' ? { ...event, actorRef: withoutLogic(event.actorRef) } : event)
    },
    drain: () => new Promise((resolve) => setTimeout(resolve, 1)),
  },
]

// -------------------------------------------------------------------------------------------------
// Scenarios
// -------------------------------------------------------------------------------------------------

type Scenario = (inspect: InspectOption | undefined) => Promise<() => Promise<void>>

/** Builds the world untimed; returns the timed part. */
const groupInvitation: Scenario = async (inspect) => {
  const im = new MemoryIm()
  const names = Array.from({ length: invitees }, (_, i) => `s${i}`) // short ids: 1,000 of them must fit in one 12 KB envelope
  const transport = im.connect('teacher')
  const teacher = createSignaling({ transport, limits: { maxInvitees: invitees }, ...(inspect === undefined ? {} : { inspect }) })
  await transport.createGroup('class', names)
  await im.settle()
  return async () => {
    const inviteID = await teacher.inviteInGroup('class', names, 'raise your hand', { timeout: 30 })
    await im.settle()
    names.forEach((student, i) => {
      const payload = encodeEnvelope({
        businessID: 1,
        inviteID,
        groupID: 'class',
        inviter: 'teacher',
        inviteeList: [student],
        data: '',
        timeout: 30,
        actionType: i % 2 === 0 ? ActionType.accept : ActionType.reject,
        onlineUserOnly: false,
        beckon: { actionID: `answer-${i}` },
      })
      im.inject({ userID: 'teacher' }, { sender: student, senderDevice: 'phone', conversation: { kind: 'group', groupID: 'class' }, payload })
    })
    await im.settle()
    await im.clock.advance(retentionMs + 60_000)
    if (teacher.listInvitations().length !== 0) throw new Error('the invitation outlived its retention')
  }
}

const calls: Scenario = async (inspect) => {
  const im = new MemoryIm()
  const pairs: [Signaling, string][] = []
  for (let i = 0; i < invitees; i++) {
    const caller = createSignaling({ transport: im.connect(`caller${i}`), ...(inspect === undefined ? {} : { inspect }) })
    const callee = createSignaling({ transport: im.connect(`callee${i}`), ...(inspect === undefined ? {} : { inspect }) })
    callee.addSignalingListener({ onReceiveNewInvitation: (id) => void callee.accept(id) })
    pairs.push([caller, `callee${i}`])
  }
  await im.settle()
  return async () => {
    await Promise.all(pairs.map(([caller, callee]) => caller.invite(callee, '{"room_id":1}', { timeout: 30 })))
    await im.settle()
    await im.clock.advance(retentionMs + 60_000)
  }
}

/** Title, scenario, and warm-up rounds (a run of milliseconds needs several to be compiled). */
const scenarios: readonly [string, Scenario, number][] = [
  [`group invitation, ${invitees.toLocaleString('en')} invitees, inviter inspected`, groupInvitation, 8],
  [`${invitees.toLocaleString('en')} 1:1 calls, every device inspected`, calls, 1],
]

// -------------------------------------------------------------------------------------------------
// Measuring
// -------------------------------------------------------------------------------------------------

interface Timing {
  readonly wallMs: number
  readonly cpuMs: number
}

const timeOnce = async (scenario: Scenario, watcher: Watcher): Promise<Timing> => {
  const run = await scenario(watcher.option())
  const start = performance.now()
  const cpuStart = process.cpuUsage()
  await run()
  await watcher.drain()
  const cpu = process.cpuUsage(cpuStart)
  return { wallMs: performance.now() - start, cpuMs: (cpu.user + cpu.system) / 1000 }
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

const measure = async (scenario: Scenario, warmUps: number): Promise<Timing[]> => {
  for (let r = 0; r < warmUps; r++) for (const watcher of watchers) await timeOnce(scenario, watcher)
  const times: Timing[][] = watchers.map(() => [])
  for (let r = 0; r < repetitions; r++) {
    for (const [w, watcher] of watchers.entries()) times[w]!.push(await timeOnce(scenario, watcher))
  }
  return times.map((runs) => ({ wallMs: median(runs.map((t) => t.wallMs)), cpuMs: median(runs.map((t) => t.cpuMs)) }))
}

console.log(`beckon — the cost of inspection (node ${process.version}, ${os.cpus().length} cores, median of ${repetitions} runs)\n`)
let missed = 0
for (const [title, scenario, warmUps] of scenarios) {
  const [off, ...on] = await measure(scenario, warmUps)
  console.log(title)
  console.log(`  ${'off'.padEnd(40)} ${off!.wallMs.toFixed(1).padStart(8)} ms           cpu ${off!.cpuMs.toFixed(1).padStart(8)} ms`)
  for (const [i, timing] of on.entries()) {
    const watcher = watchers[i + 1]!
    const ratio = timing.wallMs / off!.wallMs
    const cpuRatio = timing.cpuMs / off!.cpuMs
    const verdict = watcher.diagnostic === true ? '' : ratio <= target ? 'MET' : 'MISSED'
    if (verdict === 'MISSED') missed++
    const judged = verdict === '' ? '' : `  (target ≤ ${target}×) ${verdict}`
    console.log(
      `  ${watcher.name.padEnd(40)} ${timing.wallMs.toFixed(1).padStart(8)} ms ${ratio.toFixed(2).padStart(6)}×  cpu ${timing.cpuMs.toFixed(1).padStart(8)} ms ${cpuRatio.toFixed(2).padStart(6)}×${judged}`,
    )
  }
  console.log('')
}
console.log(missed === 0 ? 'every target MET' : `${missed} target(s) MISSED`)
if (seen < 0) console.log('') // keeps the watchers' reads from being optimised away
