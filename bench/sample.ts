/**
 * The child process of the bench: takes one measurement, in a process of its own, and prints it as
 * one JSON line on stdout. The parent (run.ts) starts one per contender, size and repetition, so no
 * contender inherits another's JIT feedback, heap or garbage, and run order cannot favour anyone.
 *
 * Usage: `node --expose-gc sample.mjs '<Job as JSON>'`. A long job prints `ready` once its setup
 * is done, so the parent can time-limit the measured part alone.
 *
 * @module
 */
import { answerAll, audienceHonoured, openHall, type Audience } from './bigGroup.js'
import type { GroupContenderName, OneToOneContenderName } from './contenders.js'
import { bytesPerPendingInvitation, sampleFacade, type FacadeContender } from './facade.js'
import { bytesPerPendingInvitee } from './memory.js'
import { sampleGroup, sampleLifecycles, type Side } from './timing.js'

/** One measurement. */
export type Job =
  | { readonly kind: 'group'; readonly contender: GroupContenderName; readonly n: number; readonly minEvents: number }
  | { readonly kind: 'lifecycles'; readonly contender: OneToOneContenderName; readonly side: Side; readonly lifecycles: number }
  | { readonly kind: 'groupMemory'; readonly contender: GroupContenderName; readonly n: number }
  | { readonly kind: 'pendingMemory'; readonly side: Side }
  | { readonly kind: 'facade'; readonly contender: FacadeContender; readonly lifecycles: number }
  | { readonly kind: 'bigGroup'; readonly n: number; readonly audience: Audience }
  | { readonly kind: 'audienceProbe' }

/** What a job prints: ns per event, bytes, lifecycles per second, milliseconds or a yes/no. */
export type Outcome = { readonly value: number } | { readonly available: boolean }

const perEvent = ({ ms, events }: { ms: number; events: number }): number => (ms * 1e6) / events

const measure = async (job: Job): Promise<Outcome> => {
  switch (job.kind) {
    case 'group':
      return { value: perEvent(sampleGroup(job.contender, job.n, false, job.minEvents)) }
    case 'lifecycles':
      return { value: perEvent(sampleLifecycles(job.contender, job.side, job.lifecycles)) }
    case 'groupMemory':
      return { value: bytesPerPendingInvitee(job.contender, job.n) }
    case 'pendingMemory':
      return { value: await bytesPerPendingInvitation(job.side) }
    case 'facade': {
      const { lifecycles, ms } = await sampleFacade(job.contender, job.lifecycles)
      return { value: (lifecycles * 1e3) / ms }
    }
    case 'bigGroup': {
      const hall = await openHall(job.n)
      console.log('ready')
      return { value: await answerAll(hall, job.audience) }
    }
    case 'audienceProbe':
      return { available: await audienceHonoured() }
  }
}

const job = JSON.parse(process.argv[2] ?? 'null') as Job | null
if (job === null) throw new Error('usage: sample.mjs <job as JSON>')
console.log(JSON.stringify(await measure(job)))
