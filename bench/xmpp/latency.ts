/**
 * One-way latency between two devices on the bench's Prosody: a signaling invite (`invite()` →
 * the peer's `onReceiveNewInvitation`) next to a raw XMPP message on the same two transports
 * (`transport.send` of a plain payload → the peer's `onMessage`).
 *
 * Fairness, since the point is the ratio:
 * - the same two transports carry both kinds, and the raw payload is the invite's own envelope
 *   text behind its key, so the two stanzas have the same size and the same characters to escape;
 * - the two kinds alternate, and which goes first flips every round, so drift (GC, the server's
 *   archive growing, the load of the machine) falls on both alike;
 * - one measurement at a time: the next one starts after the previous has arrived, its send has
 *   been confirmed and (for an invite) the reject is done, so no two messages share the wire and
 *   no timer fires during the run;
 * - the raw listener is subscribed before the signaling, so a raw message's time does not include
 *   the signaling's (failed) attempt to decode it;
 * - the target compares the medians of the two kinds (p50 against p50); the median of the
 *   per-round ratios is printed beside it, as a check that drift did not decide it.
 *
 * Where the receiving device runs ({@link ReceiverPlace}): by default in the bench's own process,
 * as in earlier runs. Both devices then share one event loop, and the sender's handling of the
 * server's confirmation of its send (heavier for an invite: the engine's step for the receipt)
 * came before the receiver's reading of the message in about 4 rounds of 10, on a loaded machine.
 * `BECKON_BENCH_LATENCY_RECEIVER=process` runs the receiver in a process of its own instead
 * (`latencyPeer.ts`), as a second device is, and takes both ends' times on the monotonic clock the
 * processes share; each process then idles more between rounds, and its caches are colder.
 *
 * @module
 */
import { createSignaling } from '@beckon/core'
import { monotonicMs, receiverHere, receiverInProcess, Reports, type Receiver } from './latencyReceivers.js'
import { allConnected, type BenchServer } from './server.js'

export interface LatencyResult {
  /** One-way times in ms, in measurement order; `raw[i]` and `signaling[i]` are of the same round. */
  readonly raw: readonly number[]
  readonly signaling: readonly number[]
  /** Of each signaling time, the library's own share: `invite()` → `transport.send`, and the invite's `onMessage` → the ring. */
  readonly beforeSend: readonly number[]
  readonly afterArrival: readonly number[]
  readonly payloadBytes: number
}

/** Where the receiving device runs: in the bench's own process, or in one of its own (as a second device does). */
export type ReceiverPlace = 'same process' | 'own process'

/** `BECKON_BENCH_LATENCY_RECEIVER=process`: the receiver in its own process; else in this one. */
export const receiverPlaceFromEnv = (env: NodeJS.ProcessEnv = process.env): ReceiverPlace =>
  env['BECKON_BENCH_LATENCY_RECEIVER'] === 'process' ? 'own process' : 'same process'

export const latencyUsers = ['lat-alice', 'lat-bob'] as const

export const measureLatency = async (server: BenchServer, samples: number, warmup: number, place: ReceiverPlace = 'same process'): Promise<LatencyResult> => {
  const from = server.device(latencyUsers[0], 'bench')
  // Where the signaling's extra time goes: note when the facade hands the invite to the transport,
  // and what it hands over (the raw messages carry the same text).
  const send = from.send.bind(from)
  let handedOver = 0
  let invitePayload = ''
  from.send = (to, payload, options) => {
    handedOver = monotonicMs()
    invitePayload = payload
    return send(to, payload, options)
  }
  const inviter = createSignaling({ transport: from })
  // The receiver rejects as soon as it rings, so the inviter may hear of it before it asks.
  const rejected = new Reports()
  inviter.addSignalingListener({ onInviteeRejected: (inviteID) => rejected.put(inviteID, undefined) })
  let to: Receiver | undefined
  try {
    to = await (place === 'own process' ? receiverInProcess : receiverHere)(server, latencyUsers[1])
    await allConnected([from])
    const peer = to
    const raw: number[] = []
    const signaling: number[] = []
    const beforeSend: number[] = []
    const afterArrival: number[] = []

    const oneRaw = async (key: string): Promise<number> => {
      const prefix = `raw ${key} `
      const payload = prefix + (invitePayload.length > 0 ? invitePayload.slice(Math.min(prefix.length, invitePayload.length)) : '')
      const arrival = peer.raw(key)
      const began = monotonicMs()
      const sent = send({ kind: 'user', userID: peer.userID }, payload, { onlineUserOnly: false })
      const at = await arrival
      await sent
      return at - began
    }
    const oneInvite = async (key: string, measured: boolean): Promise<number> => {
      const ring = peer.ring(key)
      const began = monotonicMs()
      const sent = inviter.invite(peer.userID, key, { timeout: 30 })
      const rang = await ring
      if (measured) beforeSend.push(handedOver - began)
      if (measured) afterArrival.push(rang.at - rang.arrivedAt)
      const heard = rejected.expect<void>(rang.inviteID)
      await sent
      await Promise.all([heard, peer.rejected(rang.inviteID)])
      return rang.at - began
    }

    const run = Date.now().toString(36) // keys unique to this run, should the accounts have an archive
    for (let round = 0; round < warmup + samples; round++) {
      const measured = round >= warmup
      const order = round % 2 === 0 ? (['raw', 'invite'] as const) : (['invite', 'raw'] as const)
      for (const kind of order) {
        const key = `${kind}-${run}-${round}`
        const took = kind === 'raw' ? await oneRaw(key) : await oneInvite(key, measured)
        if (measured) (kind === 'raw' ? raw : signaling).push(took)
      }
    }
    return { raw, signaling, beforeSend, afterArrival, payloadBytes: invitePayload.length }
  } finally {
    inviter.close()
    await Promise.all([from.disconnect(), to?.close()])
  }
}
