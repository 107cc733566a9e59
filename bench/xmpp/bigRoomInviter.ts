/**
 * The inviter of the big-room run (bigRoom.ts) as a process of its own, so that the memory it
 * reports is the inviter's alone and not that of the member devices the run watches. It creates
 * the group, invites every member in one `inviteInGroup`, and reports what it hears.
 *
 * Its configuration is one JSON argument ({@link InviterConfig}). It writes one JSON line to
 * stdout per event ({@link InviterLine}) and reads one JSON line from stdin per command
 * ({@link InviterCommand}).
 *
 * @module
 */
import { createInterface } from 'node:readline'
import { connectXmpp, type XmppTransportOptions } from '@beckon/adapter-im'
import { createSignaling } from '@beckon/core'
import { memberName } from './bigRoom.js'

/** What the run tells the inviter. */
export interface InviterConfig {
  readonly transport: XmppTransportOptions
  readonly groupID: string
  /** Every member but the inviter: {@link memberName} for i in [0, members). */
  readonly memberPrefix: string
  /** Digits member numbers are padded to (0: none). */
  readonly memberDigits: number
  readonly members: number
  readonly timeoutSeconds: number
}

export type InviterCommand =
  | { readonly op: 'create' }
  | { readonly op: 'invite' }
  | { readonly op: 'view'; readonly userIDs: readonly string[] }
  | { readonly op: 'memory' }
  | { readonly op: 'exit' }

/** Memory of the process, bytes (after a full GC when `--expose-gc` is on). */
export interface Memory {
  readonly heapUsed: number
  readonly arrayBuffers: number
  readonly rss: number
}

export type InviterLine =
  | { readonly kind: 'ready' }
  | { readonly kind: 'created'; readonly ms: number }
  | { readonly kind: 'invited'; readonly inviteID: string; readonly calledAt: number; readonly ms: number }
  | { readonly kind: 'answer'; readonly event: 'accepted' | 'rejected'; readonly inviteID: string; readonly invitee: string; readonly at: number }
  | { readonly kind: 'view'; readonly states: Readonly<Record<string, string>> }
  | { readonly kind: 'memory'; readonly memory: Memory }
  | { readonly kind: 'failed'; readonly op: string; readonly error: string }
  | { readonly kind: 'error'; readonly error: string }

const config = JSON.parse(process.argv[2] ?? '{}') as InviterConfig
const say = (line: InviterLine): void => void process.stdout.write(`${JSON.stringify(line)}\n`)
const members = Array.from({ length: config.members }, (_, i) => memberName(config, i))

const transport = connectXmpp({ ...config.transport, onError: (error) => say({ kind: 'error', error: String(error) }) })
const signaling = createSignaling({ transport })
let inviteID: string | undefined
signaling.addSignalingListener({
  onInviteeAccepted: (id, invitee) => say({ kind: 'answer', event: 'accepted', inviteID: id, invitee, at: Date.now() }),
  onInviteeRejected: (id, invitee) => say({ kind: 'answer', event: 'rejected', inviteID: id, invitee, at: Date.now() }),
})

const memory = (): Memory => {
  ;(globalThis as { gc?: () => void }).gc?.()
  const { heapUsed, arrayBuffers, rss } = process.memoryUsage()
  return { heapUsed, arrayBuffers, rss }
}

const run = async (command: InviterCommand): Promise<void> => {
  if (command.op === 'create') {
    const began = performance.now()
    await transport.createGroup(config.groupID, members)
    say({ kind: 'created', ms: performance.now() - began })
  } else if (command.op === 'invite') {
    const calledAt = Date.now()
    const began = performance.now()
    inviteID = await signaling.inviteInGroup(config.groupID, members, 'big room', { timeout: config.timeoutSeconds })
    say({ kind: 'invited', inviteID, calledAt, ms: performance.now() - began })
  } else if (command.op === 'view') {
    const view = inviteID === undefined ? undefined : signaling.getInvitation(inviteID)
    const wanted = new Set(command.userIDs)
    const states: Record<string, string> = {}
    for (const invitee of view?.invitees ?? []) if (wanted.has(invitee.userID)) states[invitee.userID] = invitee.state
    say({ kind: 'view', states })
  } else if (command.op === 'memory') {
    say({ kind: 'memory', memory: memory() })
  } else {
    signaling.close()
    await transport.disconnect()
    process.exit(0)
  }
}

transport.ready(120_000).then(
  () => say({ kind: 'ready' }),
  (error: unknown) => say({ kind: 'failed', op: 'connect', error: String(error) }),
)
createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line) as InviterCommand
  run(command).catch((error: unknown) => say({ kind: 'failed', op: command.op, error: String(error) }))
})
