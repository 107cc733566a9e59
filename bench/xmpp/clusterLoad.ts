/**
 * `npm run load:cluster -- [--invitations 10000] [--users 100] [--nodes 1,2] [--timeout <s>] [--seed 7]`:
 * the XMPP load run of `npm run load:xmpp` (concurrent.ts: many concurrent 1:1 invitations, half
 * accepted on ring, half left to time out) on ejabberd, once on one node and once on a two-node
 * cluster whose users alternate between the nodes — so half of all invitations cross from one
 * node to the other. Each deployment is started fresh for its run (its own directory and ports)
 * and stopped after. Prints progress, then the figures of every run side by side and its failed
 * calls by cause, and exits 1 unless every run lost nothing, had no disagreement, no failed
 * invite() or accept() and no unhandled error.
 *
 * Ports: `BECKON_BENCH_XMPP_PORT`, else `BECKON_XMPP_PORT` + 10, else 15232 (node 2 on the next
 * port); the Erlang distribution on that port + 20 to + 29.
 *
 * @module
 */
import os from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { connectXmpp } from '@beckon/adapter-im'
import { ejabberdServer, TEST_PASSWORD, type TestServer } from '../../scripts/xmpp/testServer.js'
import { concurrentInvitations, defaultTimeoutSeconds, userName, type ConcurrentResult } from './concurrent.js'
import { recordUnhandled, runScript, stoppedAfter } from './script.js'
import { count, ms, percentile, table } from './stats.js'

const { values } = parseArgs({
  options: {
    invitations: { type: 'string', default: '10000' },
    users: { type: 'string', default: '100' },
    nodes: { type: 'string', default: '1,2' },
    timeout: { type: 'string' },
    seed: { type: 'string', default: '7' },
  },
})
const invitations = Number(values.invitations)
const users = Number(values.users)
const nodeCounts = values.nodes.split(',').map(Number)
const timeoutSeconds = values.timeout === undefined ? defaultTimeoutSeconds(invitations) : Number(values.timeout)
const seed = Number(values.seed)

const unhandled = recordUnhandled()

const basePort = Number(process.env['BECKON_BENCH_XMPP_PORT'] ?? (process.env['BECKON_XMPP_PORT'] === undefined ? 15232 : Number(process.env['BECKON_XMPP_PORT']) + 10))

/** A fresh deployment of `nodes` nodes for the bench, apart from the tests' own. */
const benchServer = (nodes: number): TestServer =>
  ejabberdServer({
    ...process.env,
    BECKON_XMPP_PORT: String(basePort),
    BECKON_XMPP_NODES: String(nodes),
    BECKON_EJABBERD_DIR: join(process.cwd(), '.ejabberd', 'bench'),
    BECKON_EJABBERD_DIST_PORTS: `${basePort + 20}-${basePort + 29}`,
  })

interface Run {
  readonly nodes: number
  readonly startMs: number
  readonly result: ConcurrentResult
  readonly unhandled: number
}

const runOn = async (nodes: number): Promise<Run> => {
  const server = benchServer(nodes)
  const began = Date.now()
  await server.start({ fresh: true })
  return stoppedAfter(() => server.stop(), async () => {
    await server.registerAccounts(Array.from({ length: users }, (_, i) => userName(i)))
    const startMs = Date.now() - began
    console.log(`${server.label} on 127.0.0.1:${server.ports.join(', ')}, ready after ${ms(startMs)} (fresh start and ${users} accounts)`)
    let devices = 0
    const unhandledBefore = unhandled.length
    const result = await concurrentInvitations(
      {
        // Users alternate between the nodes: user i on node i mod n (one device each).
        device: (userID, deviceID, options = {}) =>
          connectXmpp({ service: `xmpp://127.0.0.1:${server.ports[devices++ % server.ports.length]}`, domain: server.domain, userID, password: TEST_PASSWORD, ...(deviceID === undefined ? {} : { deviceID }), ...options }),
      },
      {
        users,
        invitations,
        timeoutSeconds,
        seed,
        progress: (p) =>
          console.log(`  +${(p.elapsedMs / 1000).toFixed(0).padStart(4)} s  invited ${count(p.invited)}  rang ${count(p.rang)}  outcome known to inviter ${count(p.learned)}  complete on both sides ${count(p.complete)}`),
      },
    )
    return { nodes, startMs, result, unhandled: unhandled.length - unhandledBefore }
  })
}

/** Invitations the servers took per second: every invite() resolved once its message was accepted. */
const throughput = (r: ConcurrentResult): number => r.options.invitations / (r.sendAllMs / 1000)

const ok = (run: Run): boolean =>
  run.result.lost === 0 && run.result.disagree === 0 && run.result.failedInvites === 0 && run.result.failedAccepts === 0 && run.result.disconnectedWhileConnected === 0 && run.unhandled === 0

const figures = (runs: readonly Run[]): string[][] => {
  const row = (measure: string, cell: (run: Run) => string): string[] => [measure, ...runs.map(cell)]
  return [
    row('measure', (run) => (run.nodes === 1 ? '1 node' : `${run.nodes} nodes`)),
    row('fresh start and accounts', (run) => ms(run.startMs)),
    row('invitations taken by the server per second', (run) => `${throughput(run.result).toFixed(0)} /s`),
    row('every invite() resolved after', (run) => ms(run.result.sendAllMs)),
    row('invite() → ring, p50 / p99', (run) => `${ms(percentile(run.result.ringMs, 50))} / ${ms(percentile(run.result.ringMs, 99))}`),
    row('invite() → inviter told of the accept, p50 / p99', (run) => `${ms(percentile(run.result.acceptMs, 50))} / ${ms(percentile(run.result.acceptMs, 99))}`),
    row('all complete on both sides after', (run) => ms(run.result.totalMs)),
    row('lost', (run) => count(run.result.lost)),
    row('disagreements', (run) => count(run.result.disagree)),
    row('outcome not the planned one', (run) => count(run.result.notAsPlanned)),
    row('invite() / accept() calls that failed', (run) => `${count(run.result.failedInvites)} / ${count(run.result.failedAccepts)}`),
    row('6014 while connected', (run) => count(run.result.disconnectedWhileConnected)),
    row('unhandled errors', (run) => count(run.unhandled)),
    row('errors the transports reported (logged)', (run) => count(run.result.transportErrors)),
    row('0 lost, 0 disagreements, 0 failed calls', (run) => (ok(run) ? 'MET' : 'MISSED')),
  ]
}

const main = async (): Promise<boolean> => {
  console.log(`\nbeckon XMPP load on ejabberd: ${count(invitations)} concurrent invitations among ${users} users, on ${nodeCounts.join(' and ')} node(s) (timeout ${timeoutSeconds} s, seed ${seed})`)
  console.log(`Node ${process.version}, ${os.cpus().length} cores; the runs take turns on one machine, client and servers alike\n`)
  const runs: Run[] = []
  for (const nodes of nodeCounts) {
    runs.push(await runOn(nodes))
    console.log()
  }
  table(figures(runs))
  for (const run of runs) if (run.result.firstFailedInvite !== undefined) console.log(`first invite() that failed on ${run.nodes} node(s): ${run.result.firstFailedInvite}`)
  for (const run of runs) if (run.result.firstFailedAccept !== undefined) console.log(`first accept() that failed on ${run.nodes} node(s): ${run.result.firstFailedAccept}`)
  for (const run of runs) for (const [kind, n] of run.result.failureKinds) console.log(`failed calls on ${run.nodes} node(s), ${count(n)}×: ${kind}`)
  for (const run of runs) for (const [kind, n] of run.result.transportErrorKinds.slice(0, 8)) console.log(`transport errors on ${run.nodes} node(s), ${count(n)}×: ${kind}`)
  for (const run of runs) if (run.result.firstTransportError !== undefined) console.log(`first error a transport reported on ${run.nodes} node(s): ${run.result.firstTransportError}`)
  for (const line of unhandled.slice(0, 5)) console.log(line)
  const all = runs.every(ok)
  console.log(all ? 'MET: every run lost nothing, nobody disagreed and no call failed' : 'MISSED: see the figures above and the failed calls by cause')
  return all
}

runScript('load run', main)
