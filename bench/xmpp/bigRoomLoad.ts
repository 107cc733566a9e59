/**
 * `npm run load:bigroom -- [--members 10000] [--online 150] [--late 50] [--timeout <s>]`: a group
 * of `members` members plus the inviter created over XMPP on a Prosody of its own (started on
 * loopback for the run, stopped after), and one `inviteInGroup` to every member (bigRoom.ts).
 * Prints the figures, every kind of error the member devices reported (count, devices, first
 * message) and the devices that never caught up, and exits 1 unless every watched device caught up
 * and rang exactly once with the full list, the inviter heard every answer, nobody disagreed and
 * nothing was thrown unhandled.
 *
 * @module
 */
import os from 'node:os'
import { parseArgs } from 'node:util'
import { TEST_PASSWORD } from '../../scripts/prosody/server.js'
import { bigRoom, memberName, type BigRoomResult } from './bigRoom.js'
import type { Memory } from './bigRoomInviter.js'
import { onBenchServer, recordUnhandled, runScript } from './script.js'
import { count, ms, percentile, table } from './stats.js'

const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '10000' },
    online: { type: 'string', default: '150' },
    late: { type: 'string', default: '50' },
    timeout: { type: 'string', default: '600' },
  },
})
const members = Number(values.members)
const online = Number(values.online)
const late = Number(values.late)
const timeoutSeconds = Number(values.timeout)

const unhandled = recordUnhandled()

/** Members are named like UUIDs, the ids apps use: 10,000 of them make a ~390 KB invitee list. */
const naming = { memberPrefix: '00000000-0000-4000-8000-', memberDigits: 12 }

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`
const heap = (m: Memory): string => `${mb(m.heapUsed + m.arrayBuffers)} (RSS ${mb(m.rss)})`
const s = (value: number): string => `${(value / 1000).toFixed(1)} s`

const figures = (r: BigRoomResult): string[][] => [
  ['measure', 'value'],
  ['createGroup (members as affiliations, each invited)', s(r.createMs)],
  ['inviteInGroup() resolved after', ms(r.inviteMs)],
  [`invite → ring on ${online} online devices, p50 / max`, `${ms(percentile(r.ringMs, 50))} / ${ms(Math.max(...r.ringMs))}`],
  ['invite → inviter heard the last sample answer', ms(r.allAnswersMs)],
  [`late device connect() → ring, from the archive, p50 / max`, `${ms(percentile(r.lateRingMs, 50))} / ${ms(Math.max(...r.lateRingMs))}`],
  ['inviter process heap (+ array buffers): before create', heap(r.inviterMemory.beforeCreate)],
  ['  after create', heap(r.inviterMemory.afterCreate)],
  ['  with the invitation pending, all answers in', heap(r.inviterMemory.afterInvite)],
  ['lost: never rang / answers the inviter never heard', `${count(r.neverRang)} / ${count(r.answersUnheard)}`],
  ['rang more than once / with a wrong list', `${count(r.rangTwice)} / ${count(r.wrongList)}`],
  ['disagreements (a device sees a sample answer unlike the inviter)', count(r.disagreements)],
  ['errors the member devices reported (onError), kinds', `${count(r.transportErrors)}, ${r.transportErrorKinds.length}`],
  ['watched devices that never caught up (never connected)', count(r.neverCaughtUp.length)],
  ['unhandled errors', count(unhandled.length)],
]

/** Every kind of error with its count and first message, and each device that never caught up. */
const report = (r: BigRoomResult): void => {
  for (const line of r.failures) console.log(line)
  if (r.transportErrorKinds.length > 0) console.log('\nerrors the member devices reported, by kind (count, devices, first message):')
  for (const k of r.transportErrorKinds) console.log(`  ${String(k.count).padStart(6)} × from ${String(k.devices).padStart(3)} devices  ${k.first}`)
  if (r.neverCaughtUp.length > 0) console.log(`\n${r.neverCaughtUp.length} watched devices never caught up:`)
  for (const d of r.neverCaughtUp) console.log(`  ${d.userID}: ${d.errors.length === 0 ? 'reported no error' : d.errors.join(' | ')}`)
  console.log()
}

const main = async (): Promise<boolean> => {
  console.log(`\nbeckon XMPP big room: a group of ${count(members)} members invited whole; ${online} member devices online, ${late} late (timeout ${timeoutSeconds} s)\n`)
  const accounts = ['host', ...Array.from({ length: members }, (_, i) => memberName(naming, i))]
  const began = performance.now()
  return onBenchServer(accounts, async (server) => {
    console.log(`Prosody ${server.version} on 127.0.0.1:${server.settings.port} (${server.settings.dir}); ${count(accounts.length)} accounts registered in ${s(performance.now() - began)}; Node ${process.version}, ${os.cpus().length} cores\n`)
    const result = await bigRoom(server, {
      members,
      online,
      late,
      timeoutSeconds,
      inviter: 'host',
      ...naming,
      groupID: 'hall',
      login: { service: `xmpp://127.0.0.1:${server.settings.port}`, domain: server.settings.domain, password: TEST_PASSWORD },
      phaseTimeoutMs: 600_000,
      progress: (line) => console.log(`  +${s(performance.now() - began).padStart(7)}  ${line}`),
    })
    console.log()
    table(figures(result))
    report(result)
    for (const line of unhandled) console.log(line)
    const ok =
      result.neverRang + result.answersUnheard + result.rangTwice + result.wrongList + result.disagreements + result.neverCaughtUp.length === 0 &&
      result.failures.length === 0 &&
      unhandled.length === 0
    console.log(ok ? 'MET: 0 lost, 0 disagreements, every watched device caught up and rang once with the full list, no unhandled error' : 'MISSED: see the figures above')
    return ok
  })
}

runScript('big-room run', main)
