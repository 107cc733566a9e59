/**
 * The receiving device of the latency bench, where the bench puts it: in a process of its own
 * (`latencyPeer.ts`), as another device is, or in the bench's own process, sharing the sender's
 * event loop. Either way the receiver takes its times on the monotonic clock every process of the
 * machine shares, and rejects each invite that rang once it has noted the time.
 *
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createSignaling } from '@beckon/core'
import { allConnected, type BenchServer } from './server.js'


/** What the receiving device's process (`latencyPeer.ts`) tells the bench. */
export type PeerReport =
  | { readonly type: 'ready' }
  | { readonly type: 'raw'; readonly key: string; readonly at: number }
  | { readonly type: 'ring'; readonly key: string; readonly at: number; readonly arrivedAt: number; readonly inviteID: string }
  | { readonly type: 'rejected'; readonly inviteID: string }
  | { readonly type: 'failed'; readonly error: string }

/** What the bench hands that process (`BECKON_LATENCY_PEER`, as JSON). */
export interface PeerSetup {
  readonly port: number
  readonly domain: string
  readonly userID: string
}

/**
 * Milliseconds on the system's monotonic clock (`CLOCK_MONOTONIC` on Linux), which every process
 * of the machine reads alike: a time taken here and one taken in the parent are comparable.
 */
export const monotonicMs = (): number => {
  const [seconds, nanoseconds] = process.hrtime()
  return seconds * 1e3 + nanoseconds / 1e6
}

/** An invite that rang: when, and when it had reached the transport's `onMessage`. */
export interface Ring {
  readonly at: number
  readonly arrivedAt: number
  readonly inviteID: string
}

/** The receiving device, seen from the sender. */
export interface Receiver {
  readonly userID: string
  /** Resolves with the time raw message `key` arrived. */
  raw(key: string): Promise<number>
  /** Resolves once invite `key` rang. */
  ring(key: string): Promise<Ring>
  /** Resolves once the receiver's reject of `inviteID` was confirmed by the server. */
  rejected(inviteID: string): Promise<void>
  close(): Promise<void>
}

/** Promises for what is about to be reported, keyed; one that does not come in time fails the bench. */
export class Reports {
  readonly #waiting = new Map<string, (value: unknown) => void>()
  readonly #early = new Map<string, unknown>()
  expect<T>(key: string, timeoutMs = 10_000): Promise<T> {
    if (this.#early.has(key)) {
      const value = this.#early.get(key) as T
      this.#early.delete(key)
      return Promise.resolve(value)
    }
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(key)
        reject(new Error(`${key} was not reported within ${timeoutMs} ms`))
      }, timeoutMs)
      this.#waiting.set(key, (value) => {
        clearTimeout(timer)
        resolve(value as T)
      })
    })
  }
  /** Hands `value` to whoever expects `key`, or keeps it for them (a reject may be confirmed first). */
  put(key: string, value: unknown): void {
    const resolve = this.#waiting.get(key)
    this.#waiting.delete(key)
    if (resolve === undefined) this.#early.set(key, value)
    else resolve(value)
  }
}

const receiverOf = (userID: string, reports: Reports, close: () => Promise<void>): Receiver => ({
  userID,
  raw: (key) => reports.expect<number>(`raw ${key}`),
  ring: (key) => reports.expect<Ring>(`ring ${key}`),
  rejected: (inviteID) => reports.expect<void>(`rejected ${inviteID}`),
  close,
})

const take = (reports: Reports, report: PeerReport): void => {
  if (report.type === 'raw') reports.put(`raw ${report.key}`, report.at)
  else if (report.type === 'ring') reports.put(`ring ${report.key}`, { at: report.at, arrivedAt: report.arrivedAt, inviteID: report.inviteID })
  else if (report.type === 'rejected') reports.put(`rejected ${report.inviteID}`, undefined)
}

/** The receiver in a process of its own; resolves once it is connected. */
export const receiverInProcess = async (server: BenchServer, userID: string): Promise<Receiver> => {
  const reports = new Reports()
  const child: ChildProcess = fork(fileURLToPath(new URL('./latencyPeer.ts', import.meta.url)), [], {
    env: { ...process.env, BECKON_LATENCY_PEER: JSON.stringify({ port: server.settings.port, domain: server.settings.domain, userID }) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (report: PeerReport) => {
      if (report.type === 'ready') resolve()
      else if (report.type === 'failed') reject(new Error(`the receiving device failed: ${report.error}`))
      else take(reports, report)
    })
    child.once('exit', (code) => reject(new Error(`the receiving device exited with ${code}`)))
  })
  const close = async (): Promise<void> => {
    if (child.exitCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.disconnect()
    await exited
  }
  try {
    await ready
  } catch (error) {
    child.kill()
    throw error
  }
  return receiverOf(userID, reports, close)
}

/** The receiver in this very process, sharing the sender's event loop; resolves once it is connected. */
export const receiverHere = async (server: BenchServer, userID: string): Promise<Receiver> => {
  const reports = new Reports()
  const transport = server.device(userID, 'bench')
  let arrivedAt = 0
  transport.onMessage((m) => {
    const at = monotonicMs()
    if (m.payload.startsWith('raw ')) take(reports, { type: 'raw', key: m.payload.slice(4, m.payload.indexOf(' ', 4)), at })
    else arrivedAt = at
  })
  const invitee = createSignaling({ transport })
  invitee.addSignalingListener({
    onReceiveNewInvitation: (inviteID, _inviter, _group, _list, data) => {
      take(reports, { type: 'ring', key: data, at: monotonicMs(), arrivedAt, inviteID })
      invitee.reject(inviteID).then(
        () => take(reports, { type: 'rejected', inviteID }),
        () => undefined, // never confirmed: the bench fails waiting for it, naming it
      )
    },
  })
  await allConnected([transport])
  return receiverOf(userID, reports, async () => {
    invitee.close()
    await transport.disconnect()
  })
}
