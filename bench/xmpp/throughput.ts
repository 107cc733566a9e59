/**
 * Signaling throughput next to the raw message throughput of the same client library: how many
 * invitations ring per second when one device sends a burst of them to another, against how many
 * plain messages of the same size per second arrive when it sends a burst of those over the very
 * same two transports (`transport.send` → `onMessage`).
 *
 * Fairness, since the point is the ratio:
 * - bursts alternate (raw, invite, invite, raw, …), so drift falls on both alike;
 * - a burst is issued in one tick, and its rate runs from the first send to the last arrival;
 * - raw payloads are padded to the size of an invite's envelope;
 * - one burst of each kind runs unmeasured first, as the latency bench's warm-up rounds do: the
 *   first measured invite burst otherwise ran the engine and codec while V8 was still compiling them;
 * - many bursts (20 of each by default): a burst's rate moves by a fifth from one to the next on a
 *   shared machine, and with 6 of each the ratio of the same code read 0.87×–0.97× from run to run;
 * - the invitations need no answer (they would add traffic the raw burst does not have): their
 *   timeout outlasts the run, and both devices' limits on active invitations are raised to hold
 *   every burst.
 *
 * @module
 */
import { performance } from 'node:perf_hooks'
import { createSignaling } from '@beckon/core'
import { allConnected, type BenchServer } from './server.js'

export interface ThroughputResult {
  /** Messages (or rings) per second, per burst, in measurement order. */
  readonly raw: readonly number[]
  readonly signaling: readonly number[]
  readonly burst: number
}

export const throughputUsers = ['thr-alice', 'thr-bob'] as const

const LIMITS = { maxActiveInvitations: 1_000_000, maxActivePerInviter: 1_000_000, maxHeldMessages: 1_000_000 }

export const measureThroughput = async (server: BenchServer, bursts: number, burst: number): Promise<ThroughputResult> => {
  const [from, to] = [server.device(throughputUsers[0], 'bench'), server.device(throughputUsers[1], 'bench')]
  let rawArrived = 0
  let rang = 0
  let lastArrival = 0
  let inviteBytes = 0
  to.onMessage((m) => {
    if (m.payload.startsWith('raw ')) {
      rawArrived++
      lastArrival = performance.now()
    } else inviteBytes = m.payload.length
  })
  const inviter = createSignaling({ transport: from, limits: LIMITS })
  const invitee = createSignaling({ transport: to, limits: LIMITS })
  invitee.addSignalingListener({
    onReceiveNewInvitation: () => {
      rang++
      lastArrival = performance.now()
    },
  })
  const until = async (done: () => boolean): Promise<void> => {
    const deadline = performance.now() + 120_000
    while (!done()) {
      if (performance.now() > deadline) throw new Error('a throughput burst did not arrive within 120 s')
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  try {
    await allConnected([from, to])
    // One invite first, to learn the envelope's size.
    await inviter.invite(to.userID, 'size', { timeout: 3_600 })
    await until(() => rang === 1)
    const raw: number[] = []
    const signaling: number[] = []
    const rawBurst = async (): Promise<number> => {
      const target = rawArrived + burst
      const began = performance.now()
      for (let i = 0; i < burst; i++) void from.send({ kind: 'user', userID: to.userID }, `raw ${i} `.padEnd(inviteBytes, '.'), { onlineUserOnly: false }).catch(() => undefined)
      await until(() => rawArrived >= target)
      return burst / ((lastArrival - began) / 1000)
    }
    const inviteBurst = async (): Promise<number> => {
      const target = rang + burst
      const began = performance.now()
      for (let i = 0; i < burst; i++) void inviter.invite(to.userID, `burst ${i}`, { timeout: 3_600 }).catch(() => undefined)
      await until(() => rang >= target)
      return burst / ((lastArrival - began) / 1000)
    }
    await rawBurst()
    await inviteBurst()
    for (let round = 0; round < bursts; round++) {
      const order = round % 2 === 0 ? (['raw', 'invite'] as const) : (['invite', 'raw'] as const)
      for (const kind of order) (kind === 'raw' ? raw : signaling).push(kind === 'raw' ? await rawBurst() : await inviteBurst())
    }
    return { raw, signaling, burst }
  } finally {
    inviter.close()
    invitee.close()
    await Promise.all([from.disconnect(), to.disconnect()])
  }
}
