/**
 * One device as a process of its own, the way an app runs it: an XMPP transport that keeps its
 * place in a file store, and a signaling instance that saves its `snapshot()` to a file on every
 * state change and restores it when it starts. Spawned (and killed) by `childDevice.ts`.
 *
 * Its configuration is one JSON argument ({@link DeviceConfig}). It writes one JSON line to
 * stdout per connection state, per callback heard, and per command done; it reads one JSON line
 * from stdin per command (`{ "id": 1, "op": "accept", "inviteID": "…", "data": "…" }`).
 *
 * @module
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { connectXmpp, type XmppTransportOptions } from '@beckon/adapter-im'
import { fileStore } from '@beckon/adapter-im/node'
import { createSignaling, SignalingError, type EngineSnapshot } from '@beckon/core'
import { hearEvery } from '../support/callbacks.js'
import { RenamedTransport, suffixed } from '../../examples/xmpp.js'

/** What the parent tells the device process. */
export interface DeviceConfig {
  readonly transport: XmppTransportOptions
  /** The suffix the test's accounts and groups carry (see `stage.ts`). */
  readonly suffix: string
  readonly storeDirectory: string
  readonly snapshotPath: string
  readonly retentionMs: number
}

const config = JSON.parse(process.argv[2] ?? '{}') as DeviceConfig
const say = (line: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(line)}\n`)

const saveSnapshot = (snapshot: EngineSnapshot): void => {
  // Written whole and renamed over the old one, so a kill at any moment leaves a readable snapshot.
  const temporary = `${config.snapshotPath}.tmp`
  writeFileSync(temporary, JSON.stringify(snapshot))
  renameSync(temporary, config.snapshotPath)
}

const xmpp = connectXmpp({ ...config.transport, store: fileStore(config.storeDirectory), onError: (error) => say({ kind: 'error', error: String(error) }) })
const transport = new RenamedTransport(xmpp, suffixed(config.suffix))
const restore = existsSync(config.snapshotPath) ? (JSON.parse(readFileSync(config.snapshotPath, 'utf8')) as EngineSnapshot) : undefined
const signaling = createSignaling({ transport, limits: { retentionMs: config.retentionMs }, ...(restore === undefined ? {} : { restore }) })

signaling.addStateChangeListener(() => saveSnapshot(signaling.snapshot()))
transport.onConnectionChange((state) => say({ kind: 'state', state }))
const hear = (event: string, inviteID: string, who: string, list: readonly string[], data: string): void => say({ kind: 'heard', event, inviteID, who, list, data })
hearEvery(signaling, hear)

interface Command {
  readonly id: number
  readonly op: 'accept' | 'reject'
  readonly inviteID: string
  readonly data: string
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line) as Command
  signaling[command.op](command.inviteID, command.data).then(
    () => say({ kind: 'done', id: command.id }),
    (error: unknown) => say({ kind: 'done', id: command.id, error: error instanceof SignalingError ? error.code : String(error) }),
  )
})
