/**
 * `npm run bench`, second part: beckon over XMPP on a loopback Prosody. Prints one table per
 * measurement and MET/MISSED per target:
 *
 * - one-way latency of an invite (`invite()` → `onReceiveNewInvitation`) at p50 within 1.1× of a
 *   raw XMPP message between the same two clients (`transport.send` → `onMessage`), both
 *   measured in this run, interleaved (see xmpp/latency.ts for how it is kept fair);
 * - signaling throughput (invitations rung per second) at least 0.9× the raw message throughput
 *   of the same client library, bursts interleaved (see xmpp/throughput.ts);
 * - 1,000 concurrent invitations among 50 users, each accepted or left to time out: none lost
 *   (see xmpp/concurrent.ts for what counts as lost; `npm run load:xmpp` runs 10,000).
 *
 * The bench starts its own Prosody (`.prosody/bench/`, port 15223) and always stops it. If Prosody
 * cannot be installed or started, it says why and exits 0: the XMPP part is skipped.
 *
 * `BECKON_BENCH_LATENCY_SAMPLES` (default 500), `BECKON_BENCH_BURSTS` (default 20 of
 * `BECKON_BENCH_BURST`, default 500, messages each) and `BECKON_BENCH_INVITATIONS` (default 1000)
 * shrink or grow the run; `BECKON_BENCH_LATENCY_RECEIVER=process` measures latency with the
 * receiving device in a process of its own (see xmpp/latency.ts). `npm run bench:xmpp` runs this
 * part alone.
 *
 * @module
 */
import os from 'node:os'
import { concurrentInvitations, defaultTimeoutSeconds, userName, type ConcurrentResult } from './xmpp/concurrent.js'
import { latencyUsers, measureLatency, receiverPlaceFromEnv, type LatencyResult, type ReceiverPlace } from './xmpp/latency.js'
import { startBenchServer, type BenchServer } from './xmpp/server.js'
import { measureThroughput, throughputUsers, type ThroughputResult } from './xmpp/throughput.js'
import { count, mean, ms, percentile, table, verdict } from './xmpp/stats.js'

const SAMPLES = Number(process.env['BECKON_BENCH_LATENCY_SAMPLES'] ?? 500)
const WARMUP = 50
const USERS = 50
const INVITATIONS = Number(process.env['BECKON_BENCH_INVITATIONS'] ?? 1000)
const BURSTS = Number(process.env['BECKON_BENCH_BURSTS'] ?? 20)
const BURST = Number(process.env['BECKON_BENCH_BURST'] ?? 500)
const LATENCY_TARGET = 1.1
const THROUGHPUT_TARGET = 0.9

/** The median of the per-round ratios (each invite over the raw message of its round). */
const pairedRatio = (r: LatencyResult): number => percentile(r.signaling.map((s, i) => s / r.raw[i]!), 50)

const printLatency = (r: LatencyResult, place: ReceiverPlace): void => {
  const row = (name: string, xs: readonly number[]): string[] => [name, ms(percentile(xs, 50)), ms(percentile(xs, 99)), ms(mean(xs)), ms(Math.min(...xs)), ms(Math.max(...xs))]
  const ratio = (p: number): number => percentile(r.signaling, p) / percentile(r.raw, p)
  console.log(
    `One-way latency between two devices (${count(SAMPLES)} of each, interleaved, after ${WARMUP} warm-up rounds; both payloads ${r.payloadBytes} B, the raw one the invite's envelope text; receiver in ${place === 'own process' ? 'a process of its own' : 'the same process as the sender'})`,
  )
  table([
    ['path', 'p50', 'p99', 'mean', 'min', 'max'],
    row('raw XMPP message: send → onMessage', r.raw),
    row('signaling: invite() → onReceiveNewInvitation', r.signaling),
    ['signaling / raw (ratio of the two p50s, p99s, means)', `${ratio(50).toFixed(2)}×`, `${ratio(99).toFixed(2)}×`, `${(mean(r.signaling) / mean(r.raw)).toFixed(2)}×`, '', ''],
    ['median of the per-round ratios (check)', `${pairedRatio(r).toFixed(2)}×`, '', '', '', ''],
    row('  of which invite() → transport.send', r.beforeSend),
    row('  of which invite arrives → ring', r.afterArrival),
  ])
  console.log("The two 'of which' rows are the library's own work (engine, envelope codec, listeners); the rest of an invite's time is")
  console.log('the same transport, server and loopback as the raw message. On loopback a raw hop is about a millisecond, so the')
  console.log('p50 ratio moves with the load of the machine; the p99 ratio is dominated by scheduling. The target is the ratio of')
  console.log('the p50s; the median of the per-round ratios (an invite over the raw message of its round) is printed as a check that')
  console.log('drift in load over the run did not decide it.\n')
}

/** Total messages over total time: the bursts' harmonic mean, so a slow burst weighs as it should. */
const overall = (rates: readonly number[], burst: number): number => (rates.length * burst) / rates.reduce((sum, rate) => sum + burst / rate, 0)

const printThroughput = (r: ThroughputResult): void => {
  const row = (name: string, rates: readonly number[]): string[] => [name, `${Math.round(overall(rates, r.burst)).toLocaleString('en')}/s`, `${Math.round(Math.min(...rates)).toLocaleString('en')}/s`, `${Math.round(Math.max(...rates)).toLocaleString('en')}/s`]
  console.log(`Throughput between two devices (${r.raw.length} bursts of ${count(r.burst)} of each, interleaved, after one unmeasured burst of each; a burst is sent in one tick, timed from its first send to its last arrival)`)
  table([
    ['path', 'overall', 'slowest burst', 'fastest burst'],
    row('raw XMPP messages: send → onMessage', r.raw),
    row('signaling: invite() → onReceiveNewInvitation', r.signaling),
    ['signaling / raw', `${(overall(r.signaling, r.burst) / overall(r.raw, r.burst)).toFixed(2)}×`, '', ''],
  ])
}

const printConcurrent = (r: ConcurrentResult): void => {
  const { options: o } = r
  console.log(
    `${count(o.invitations)} concurrent 1:1 invitations among ${o.users} users, all sent in one tick (timeout ${o.timeoutSeconds} s; ${count(r.plannedAccepts)} accepted on ring, ${count(o.invitations - r.plannedAccepts)} left to time out)`,
  )
  table([
    ['measure', 'value'],
    ['every invite() resolved after', ms(r.sendAllMs)],
    ['invite() → ring, p50 / p99', `${ms(percentile(r.ringMs, 50))} / ${ms(percentile(r.ringMs, 99))}`],
    ['invite() → inviter told of the accept, p50 / p99', `${ms(percentile(r.acceptMs, 50))} / ${ms(percentile(r.acceptMs, 99))}`],
    ['all complete on both sides after', ms(r.totalMs)],
    ['invite() failed', count(r.failedInvites)],
    ['invitee never rang', count(r.neverRang)],
    ['inviter never learned an outcome', count(r.inviterNeverLearned)],
    ['lost (either of the two)', count(r.lost)],
    ['outcome not the planned one', count(r.notAsPlanned)],
    ['inviter and invitee disagree', count(r.disagree)],
    ['timeouts learned from the invitee / from the inviter’s own timer', `${count(r.timeoutsFromInvitee)} / ${count(r.timeoutsFromInviterTimer)}`],
  ])
}

const main = async (): Promise<void> => {
  console.log('\nbeckon XMPP bench — signaling over a real XMPP server on loopback\n')
  let server: BenchServer
  try {
    server = await startBenchServer([...latencyUsers, ...throughputUsers, ...Array.from({ length: USERS }, (_, i) => userName(i))])
  } catch (error) {
    console.log(`XMPP bench skipped: Prosody could not be installed or started (${error instanceof Error ? error.message : String(error)}).`)
    return
  }
  const abort = (code: number) => () => void server.stop().finally(() => process.exit(code))
  process.once('SIGINT', abort(130)).once('SIGTERM', abort(143))
  try {
    const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
    console.log(`Prosody ${server.version} on 127.0.0.1:${server.settings.port} (started for this run, ${server.settings.dir}); Node ${process.version}, ${cpu}, ${os.cpus().length} cores`)
    console.log('Client and server share this machine: every figure includes both ends of the TCP loopback and the server.\n')

    const place = receiverPlaceFromEnv()
    const latency = await measureLatency(server, SAMPLES, WARMUP, place)
    printLatency(latency, place)
    const throughput = await measureThroughput(server, BURSTS, BURST)
    printThroughput(throughput)
    const concurrent = await concurrentInvitations(server, { users: USERS, invitations: INVITATIONS, timeoutSeconds: defaultTimeoutSeconds(INVITATIONS), seed: 7 })
    printConcurrent(concurrent)

    const r50 = percentile(latency.signaling, 50) / percentile(latency.raw, 50)
    const rThroughput = overall(throughput.signaling, throughput.burst) / overall(throughput.raw, throughput.burst)
    console.log('Targets')
    table([
      ['target', 'measured', 'verdict'],
      [`invite → ring p50 ≤ ${LATENCY_TARGET}× a raw message's p50`, `${r50.toFixed(3)}× (per-round median ${pairedRatio(latency).toFixed(3)}×)`, verdict(r50 <= LATENCY_TARGET)],
      [`invitations rung per second ≥ ${THROUGHPUT_TARGET}× raw messages per second`, `${rThroughput.toFixed(2)}×`, verdict(rThroughput >= THROUGHPUT_TARGET)],
      [`${count(INVITATIONS)} concurrent invitations, none lost`, `${count(concurrent.lost)} lost`, verdict(concurrent.lost === 0)],
    ])
  } finally {
    await server.stop()
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('XMPP bench failed:', error)
    process.exit(1)
  },
)
