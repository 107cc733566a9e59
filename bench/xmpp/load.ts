/**
 * `npm run load:xmpp -- [--invitations 10000] [--users 100] [--timeout <s>] [--seed 7]`: many
 * concurrent 1:1 invitations on a Prosody of its own (started on loopback for the run, stopped
 * after), half accepted on ring and half left to time out (see concurrent.ts). Prints progress
 * every second, then the figures, and exits 1 unless nothing was lost, nobody disagreed, no call
 * failed with 6014 while its device was connected, and nothing was thrown unhandled.
 *
 * The timeout defaults to {@link defaultTimeoutSeconds} (220 s for 10,000).
 *
 * @module
 */
import os from 'node:os'
import { parseArgs } from 'node:util'
import { concurrentInvitations, defaultTimeoutSeconds, userName, type ConcurrentResult } from './concurrent.js'
import { onBenchServer, recordUnhandled, runScript } from './script.js'
import { count, ms, percentile, table } from './stats.js'

const { values } = parseArgs({
  options: {
    invitations: { type: 'string', default: '10000' },
    users: { type: 'string', default: '100' },
    timeout: { type: 'string' },
    seed: { type: 'string', default: '7' },
  },
})
const invitations = Number(values.invitations)
const users = Number(values.users)
const timeoutSeconds = values.timeout === undefined ? defaultTimeoutSeconds(invitations) : Number(values.timeout)
const seed = Number(values.seed)

const unhandled = recordUnhandled()

/** The figures of a run, as rows; shared with the bounded test's report. */
const loadFigures = (r: ConcurrentResult, unhandledErrors: number): string[][] => [
  ['measure', 'value'],
  ['every invite() resolved after', ms(r.sendAllMs)],
  ['all complete on both sides after', ms(r.totalMs)],
  ['invite() → ring, p50 / p99', `${ms(percentile(r.ringMs, 50))} / ${ms(percentile(r.ringMs, 99))}`],
  ['invite() → inviter told of the accept, p50 / p99', `${ms(percentile(r.acceptMs, 50))} / ${ms(percentile(r.acceptMs, 99))}`],
  ['lost (never rang, or inviter never learned an outcome)', count(r.lost)],
  ['  invitee never rang / inviter never learned', `${count(r.neverRang)} / ${count(r.inviterNeverLearned)}`],
  ['disagreements (inviter and invitee end differently)', count(r.disagree)],
  ['outcome not the planned one', count(r.notAsPlanned)],
  ['6014 while connected', count(r.disconnectedWhileConnected)],
  ['invite() / accept() failed', `${count(r.failedInvites)} / ${count(r.failedAccepts)}`],
  ['unhandled errors', count(unhandledErrors)],
  ['errors the transports reported (onError)', `${count(r.transportErrors)}${r.firstTransportError === undefined ? '' : ` (first: ${r.firstTransportError.slice(0, 80)})`}`],
  ['timeouts learned from the invitee / the inviter’s timer', `${count(r.timeoutsFromInvitee)} / ${count(r.timeoutsFromInviterTimer)}`],
]

const main = async (): Promise<boolean> => {
  console.log(`\nbeckon XMPP load: ${count(invitations)} concurrent invitations among ${users} users (timeout ${timeoutSeconds} s, seed ${seed})\n`)
  return onBenchServer(Array.from({ length: users }, (_, i) => userName(i)), async (server) => {
    console.log(`Prosody ${server.version} on 127.0.0.1:${server.settings.port} (${server.settings.dir}); Node ${process.version}, ${os.cpus().length} cores\n`)
    const result = await concurrentInvitations(server, {
      users,
      invitations,
      timeoutSeconds,
      seed,
      progress: (p) =>
        console.log(`  +${(p.elapsedMs / 1000).toFixed(0).padStart(4)} s  invited ${count(p.invited)}  rang ${count(p.rang)}  outcome known to inviter ${count(p.learned)}  complete on both sides ${count(p.complete)}`),
    })
    console.log()
    table(loadFigures(result, unhandled.length))
    for (const line of unhandled.slice(0, 5)) console.log(line)
    const ok = result.lost === 0 && result.disagree === 0 && result.disconnectedWhileConnected === 0 && unhandled.length === 0
    console.log(ok ? 'MET: 0 lost, 0 disagreements, no 6014 while connected, no unhandled error' : 'MISSED: see the figures above')
    return ok
  })
}

runScript('load run', main)
