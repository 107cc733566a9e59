/**
 * Big-group answers on the embedded IM: one group invitation to every other member of an
 * N-member group, answered (accepted) by every invitee, each member a device running
 * `createSignaling`. Timed from `inviteInGroup` until every answer has reached everyone it goes
 * to, for Tencent's semantics (every member sees every answer: N² deliveries) and for
 * `audience: 'inviter'` (answers to the inviter only: about 2N deliveries).
 *
 * Targets: at N = 1,000, ≤ 5 s with Tencent's semantics and ≤ 1 s with audience 'inviter'
 * (and linear in N: each doubling of N at most ~2.2× the time). Beside each Tencent's-semantics
 * row, the same deliveries on MemoryIm with no library on the devices: the IM's own share. Every
 * timed run also prints the share of its time the garbage collector took (Node's `gc`
 * performance entries, summed over the run).
 *
 * Run: `npm run bench:groups` (or `npm run bench:groups -- 2000` for other sizes)
 *
 * @module
 */
import { PerformanceObserver } from 'node:perf_hooks'
import { createSignaling, type Signaling } from '@beckon/core'
import { MemoryIm } from '@beckon/adapter-memory'

type Audience = 'all' | 'inviter'

interface Run {
  readonly ms: number
  /** Of which the garbage collector's pauses. */
  readonly gcMs: number
  readonly accepted: number
}

/** Milliseconds of garbage collection since the process started, as Node reports them. */
let gcTotal = 0
new PerformanceObserver((entries) => {
  for (const entry of entries.getEntries()) gcTotal += entry.duration
}).observe({ entryTypes: ['gc'] })

/** Runs `work`, returning its duration and the garbage collector's share of it. */
const timed = async (work: () => Promise<void>): Promise<{ readonly ms: number; readonly gcMs: number }> => {
  const [started, gcBefore] = [performance.now(), gcTotal]
  await work()
  const ms = performance.now() - started
  await new Promise((resolve) => setImmediate(resolve)) // the observer hears of the last collections in a later task
  return { ms, gcMs: gcTotal - gcBefore }
}

const gcShare = ({ ms, gcMs }: { readonly ms: number; readonly gcMs: number }): string => `GC ${gcMs.toFixed(0)} ms, ${((100 * gcMs) / ms).toFixed(0)} %`

const memberID = (i: number): string => `00000000-0000-4000-8000-${i.toString().padStart(12, '0')}`

const count = (n: number): string => n.toLocaleString('en-US')

const gc = (): void => (globalThis as { gc?: () => void }).gc?.()

/** One group of `n` members (the host and n - 1 invitees), everyone answering. */
const answeredGroup = async (n: number, audience: Audience): Promise<Run> => {
  const im = new MemoryIm()
  const host = createSignaling({ transport: im.connect('host') })
  const members = Array.from({ length: n - 1 }, (_, i) => memberID(i))
  const invitees: Signaling[] = members.map((id) => createSignaling({ transport: im.connect(id) }))
  for (const invitee of invitees) {
    invitee.addSignalingListener({ onReceiveNewInvitation: (inviteID) => void invitee.accept(inviteID, 'here') })
  }
  let accepted = 0
  host.addSignalingListener({ onInviteeAccepted: () => void accepted++ })
  await im.connect('host').createGroup('hall', members)
  await im.settle()
  gc()

  const { ms, gcMs } = await timed(async () => {
    await host.inviteInGroup('hall', members, 'town hall', { timeout: 30, audience })
    await im.settle()
  })

  for (const signaling of [host, ...invitees]) signaling.close()
  return { ms, gcMs, accepted }
}

/**
 * The embedded IM's own share of a Tencent's-semantics run: the same group and the same
 * deliveries — one group message from the host, and from each member, on receiving it, one
 * group message to every member — with raw transports and no library on the devices. What the
 * full run takes beyond this is the library's (encoding, decoding, the engine, the listeners).
 */
const deliveriesAlone = async (n: number): Promise<{ readonly ms: number; readonly gcMs: number }> => {
  const im = new MemoryIm()
  const host = im.connect('host')
  const members = Array.from({ length: n - 1 }, (_, i) => memberID(i))
  const hall = { kind: 'group', groupID: 'hall' } as const
  let heard = 0
  for (const id of members) {
    const device = im.connect(id)
    device.onMessage((message) => {
      if (message.sender === 'host') void device.send(hall, `{"answer":"${id}"}`, { onlineUserOnly: false })
      else heard++
    })
  }
  await host.createGroup('hall', members)
  await im.settle()
  gc()
  const run = await timed(async () => {
    await host.send(hall, 'town hall', { onlineUserOnly: false })
    await im.settle()
  })
  if (heard !== (n - 1) * (n - 2)) throw new Error(`MemoryIm alone: ${heard} of ${(n - 1) * (n - 2)} answers heard`)
  return run
}

const targets: Record<Audience, number> = { all: 5_000, inviter: 1_000 }
const label: Record<Audience, string> = { all: "Tencent's semantics (every member sees every answer)", inviter: "audience 'inviter'" }

const main = async (): Promise<void> => {
  const sizes = process.argv.slice(2).map(Number).filter((n) => Number.isInteger(n) && n > 1)
  const ns = sizes.length > 0 ? sizes : [250, 500, 1_000]
  console.log('Big-group answers on MemoryIm: inviteInGroup to N - 1 members, every one accepts, until all delivered')
  for (const audience of ['all', 'inviter'] as const) {
    console.log(`\n${label[audience]} — target at N = 1,000: ≤ ${targets[audience].toLocaleString('en-US')} ms${audience === 'inviter' ? ', linear in N' : ''}`)
    let previous: { n: number; ms: number } | undefined
    for (const n of ns) {
      await answeredGroup(Math.min(n, 50), audience) // warm-up
      const run = await answeredGroup(n, audience)
      const lost = n - 1 - run.accepted
      const growth = previous === undefined ? '' : `  ×${(run.ms / previous.ms).toFixed(2)} for ×${(n / previous.n).toFixed(1)} N`
      const verdict = n === 1_000 ? (run.ms <= targets[audience] && lost === 0 ? '  MET' : '  MISSED') : ''
      console.log(`  N = ${String(n).padStart(5)}: ${run.ms.toFixed(0).padStart(6)} ms  (${(run.ms * 1000 / (n - 1)).toFixed(0)} µs per answer; answers lost: ${lost}; ${gcShare(run)})${growth}${verdict}`)
      if (audience === 'all') {
        const alone = await deliveriesAlone(n)
        const deliveries = (n - 1) * (n - 1)
        console.log(`             of which MemoryIm alone ${alone.ms.toFixed(0).padStart(6)} ms (${((alone.ms * 1000) / deliveries).toFixed(2)} µs per delivery, ${count(deliveries)} deliveries; ${gcShare(alone)}), the library ${(run.ms - alone.ms).toFixed(0)} ms`)
      }
      previous = { n, ms: run.ms }
    }
  }
}

await main()
