/**
 * Big-group answers on the embedded IM: one group invitation to every other member of an
 * N-member group, answered (accepted) by every invitee, each member a device running
 * `createSignaling`. Timed from `inviteInGroup` until every answer has reached everyone it goes
 * to, for Tencent's semantics (every member sees every answer: N² deliveries) and for
 * `audience: 'inviter'` (answers to the inviter only: about 2N deliveries).
 *
 * Targets: at N = 1,000, ≤ 5 s with Tencent's semantics and ≤ 1 s with audience 'inviter'
 * (and linear in N: each doubling of N at most ~2.2× the time).
 *
 * Run: `npm run bench:groups` (or `npm run bench:groups -- 2000` for other sizes)
 *
 * @module
 */
import { createSignaling, type Signaling } from '@beckon/core'
import { MemoryIm } from '@beckon/adapter-memory'

type Audience = 'all' | 'inviter'

interface Run {
  readonly ms: number
  readonly accepted: number
}

const memberID = (i: number): string => `00000000-0000-4000-8000-${i.toString().padStart(12, '0')}`

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

  const started = performance.now()
  await host.inviteInGroup('hall', members, 'town hall', { timeout: 30, audience })
  await im.settle()
  const ms = performance.now() - started

  for (const signaling of [host, ...invitees]) signaling.close()
  return { ms, accepted }
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
      console.log(`  N = ${String(n).padStart(5)}: ${run.ms.toFixed(0).padStart(6)} ms  (${(run.ms * 1000 / (n - 1)).toFixed(0)} µs per answer; answers lost: ${lost})${growth}${verdict}`)
      previous = { n, ms: run.ms }
    }
  }
}

await main()
