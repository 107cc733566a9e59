/**
 * Helpers for the transport contract suite that work in virtual and in real time: record what a
 * transport reports, and wait for a condition by letting the world settle and polling, instead of
 * assuming delivery is synchronous.
 *
 * @module
 */
import { expect } from 'vitest'
import { TransportError, type ConnectionState, type ImTransport, type IncomingMessage, type MembershipEvent, type TransportFailure } from '@beckon/core'

/** What one transport reported, in arrival order. */
export interface Observer {
  readonly transport: ImTransport
  readonly messages: IncomingMessage[]
  readonly membership: MembershipEvent[]
  /** Messages (by payload) and connection states interleaved: `message:<payload>`, `state:<state>`. */
  readonly timeline: string[]
  /** The messages carrying this payload. */
  withPayload(payload: string): IncomingMessage[]
  /** The state the transport reported last. */
  lastState(): ConnectionState | undefined
}

export const observe = (transport: ImTransport): Observer => {
  const messages: IncomingMessage[] = []
  const membership: MembershipEvent[] = []
  const timeline: string[] = []
  let last: ConnectionState | undefined
  transport.onMessage((message) => {
    messages.push(message)
    timeline.push(`message:${message.payload}`)
  })
  transport.onMembershipChange((event) => membership.push(event))
  transport.onConnectionChange((state) => {
    last = state
    timeline.push(`state:${state}`)
  })
  return {
    transport,
    messages,
    membership,
    timeline,
    withPayload: (payload) => messages.filter((m) => m.payload === payload),
    lastState: () => last,
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Settle the world until `condition` holds; fail after `timeoutMs` of real time, naming `what`.
 * With a virtual-time world one settle usually suffices; with a real server it polls.
 */
export const waitFor = async (settle: () => Promise<void>, condition: () => boolean, what: string, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (condition()) return
    await settle()
    if (condition()) return
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(10)
  }
}

/** Assert that an operation rejects with a `TransportError` for this reason. */
export const expectFailure = async (operation: Promise<unknown>, reason: TransportFailure): Promise<void> => {
  const error: unknown = await operation.then(
    () => new Error(`expected a TransportError(${reason}), but the operation succeeded`),
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(TransportError)
  expect((error as TransportError).reason).toBe(reason)
}

export const toUser = (userID: string) => ({ kind: 'user', userID }) as const
export const toGroup = (groupID: string) => ({ kind: 'group', groupID }) as const
export const STORED = { onlineUserOnly: false } as const
export const ONLINE_ONLY = { onlineUserOnly: true } as const
