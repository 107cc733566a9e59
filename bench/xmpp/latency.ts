/**
 * One-way latency between two devices on the bench's Prosody: a signaling invite (`invite()` →
 * the peer's `onReceiveNewInvitation`) next to a raw XMPP message on the same two transports
 * (`transport.send` of a plain payload → the peer's `onMessage`).
 *
 * Fairness, since the point is the ratio:
 * - the two kinds alternate, and which goes first flips every round, so drift (GC, the server's
 *   archive growing, the CPU warming up) falls on both alike;
 * - one measurement at a time: the next one starts after the previous has arrived and its send
 *   has been confirmed, so no two messages share the wire;
 * - the raw payload is padded to the size of the invite's envelope;
 * - the raw listener is subscribed before the signaling, so a raw message's time does not include
 *   the signaling's (failed) attempt to decode it;
 * - after each invite rings, the invitee rejects it and the inviter hears that, outside the timed
 *   window, so no invitation stays pending and no timer fires during the run.
 *
 * @module
 */
import { performance } from 'node:perf_hooks'
import { createSignaling } from '@beckon/core'
import { allConnected, type BenchServer } from './server.js'

export interface LatencyResult {
  /** One-way times in ms, in measurement order. */
  readonly raw: readonly number[]
  readonly signaling: readonly number[]
  /** Of each signaling time, the library's own share: `invite()` → `transport.send`, and the invite's `onMessage` → the ring. */
  readonly beforeSend: readonly number[]
  readonly afterArrival: readonly number[]
  readonly payloadBytes: number
}

export const latencyUsers = ['lat-alice', 'lat-bob'] as const

/** Promises for what is about to arrive, keyed; one that does not arrive in time fails the bench. */
class Arrivals {
  readonly #waiting = new Map<string, (at: number) => void>()
  expect(key: string, timeoutMs = 10_000): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(key)
        reject(new Error(`${key} did not arrive within ${timeoutMs} ms`))
      }, timeoutMs)
      this.#waiting.set(key, (at) => {
        clearTimeout(timer)
        resolve(at)
      })
    })
  }
  arrived(key: string, at: number): void {
    const resolve = this.#waiting.get(key)
    this.#waiting.delete(key)
    resolve?.(at)
  }
}

export const measureLatency = async (server: BenchServer, samples: number, warmup: number): Promise<LatencyResult> => {
  const [from, to] = [server.device(latencyUsers[0], 'bench'), server.device(latencyUsers[1], 'bench')]
  const arrivals = new Arrivals()
  let inviteBytes = 0
  let inviteArrived = 0
  to.onMessage((m) => {
    if (m.payload.startsWith('raw ')) return arrivals.arrived(m.payload.slice(4, m.payload.indexOf(' ', 4)), performance.now())
    inviteArrived = performance.now()
    inviteBytes = m.payload.length
  })
  // Where the signaling's extra time goes: note when the facade hands the invite to the transport.
  let handedOver = 0
  const send = from.send.bind(from)
  from.send = (...args) => {
    handedOver = performance.now()
    return send(...args)
  }
  const inviter = createSignaling({ transport: from })
  const invitee = createSignaling({ transport: to })
  invitee.addSignalingListener({ onReceiveNewInvitation: (_id, _from, _group, _list, data) => arrivals.arrived(data, performance.now()) })
  const rejected = new Arrivals()
  inviter.addSignalingListener({ onInviteeRejected: (inviteID) => rejected.arrived(inviteID, 0) })
  try {
    await allConnected([from, to])
    const raw: number[] = []
    const signaling: number[] = []
    const beforeSend: number[] = []
    const afterArrival: number[] = []

    const oneRaw = async (key: string): Promise<number> => {
      const payload = `raw ${key} `.padEnd(Math.max(inviteBytes, 16), '.')
      const arrival = arrivals.expect(key)
      const began = performance.now()
      const sent = from.send({ kind: 'user', userID: to.userID }, payload, { onlineUserOnly: false })
      const at = await arrival
      await sent
      return at - began
    }
    const oneInvite = async (key: string, measured: boolean): Promise<number> => {
      const arrival = arrivals.expect(key)
      const began = performance.now()
      const sent = inviter.invite(to.userID, key, { timeout: 30 })
      const at = await arrival
      if (measured) beforeSend.push(handedOver - began)
      if (measured) afterArrival.push(at - inviteArrived)
      const inviteID = await sent
      const heard = rejected.expect(inviteID)
      await invitee.reject(inviteID)
      await heard
      return at - began
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
    return { raw, signaling, beforeSend, afterArrival, payloadBytes: inviteBytes }
  } finally {
    inviter.close()
    invitee.close()
    await Promise.all([from.disconnect(), to.disconnect()])
  }
}
