/**
 * A server that resets a device's connection as the device writes a message: the write fails on
 * the dead socket. Under load ejabberd did so (`read ECONNRESET`, `write ECONNRESET`), and every
 * send written at that moment failed with Disconnected although XEP-0198 then resumed the session.
 * The relay resets the connection right before the device writes; the event loop does not turn in
 * between, so the device learns of the reset only from its failed write.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { connectXmpp, type XmppTransport } from '@beckon/adapter-im'
import { TransportError, type IncomingMessage } from '@beckon/core'
import { TEST_PASSWORD } from '../../scripts/xmpp/testServer.js'
import { Relay } from './relay.js'
import { connected, settings, sleep, uniqueName, xmppEnabled } from './support.js'

const STORED = { onlineUserOnly: false } as const

/** `promise`, or a rejection naming `what` after `ms`: a wait that would have no end fails the test. */
const within = <T>(ms: number, what: string, promise: Promise<T>): Promise<T> =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} still pending after ${ms} ms`)), ms))])

/** Block this thread (no event loop turn) while the reset reaches the device's socket in the kernel. */
const blockFor = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)

describe.skipIf(!xmppEnabled)('a send written as the server resets the connection', () => {
  let relay: Relay
  let alice: XmppTransport
  let bob: XmppTransport
  const received: IncomingMessage[] = []
  const states: string[] = []

  beforeEach(async () => {
    relay = await Relay.to(settings.port)
    received.length = 0
    const login = { domain: settings.domain, password: TEST_PASSWORD, reconnectDelayMs: 50 }
    alice = connectXmpp({ ...login, service: `xmpp://127.0.0.1:${relay.port}`, userID: 'alice', deviceID: uniqueName('reset') })
    bob = connectXmpp({ ...login, service: `xmpp://127.0.0.1:${settings.port}`, userID: 'bob', deviceID: uniqueName('peer') })
    bob.onMessage((message) => void received.push(message))
    await Promise.all([connected(alice), connected(bob)])
    states.length = 0
    alice.onConnectionChange((state) => void states.push(state))
  })
  afterEach(async () => {
    await Promise.all([alice.disconnect(), bob.disconnect()])
    await relay.close()
  })

  /** Reset alice's connection, then send to bob before her event loop reads the reset. */
  const sendOnResetSocket = (payload: string): Promise<unknown> => {
    relay.reset()
    blockFor(50)
    return alice.send({ kind: 'user', userID: 'bob' }, payload, STORED)
  }

  it('waits for the session to be resumed and sends the message then: the peer gets it once', async () => {
    const payload = uniqueName('written-on-a-reset-socket')
    await within(20_000, 'the send', sendOnResetSocket(payload))
    await within(10_000, 'the message at the peer', (async () => {
      while (!received.some((m) => m.payload === payload)) await sleep(20)
    })())
    await sleep(500) // a duplicate would land by now
    expect(received.filter((m) => m.payload === payload)).toHaveLength(1)
    expect(alice.connectionState).toBe('connected')
  })

  it('a send made as the device reports connected again after a resumption goes out in the resumed session', async () => {
    // The facade sends what it held back (and answers rings it presents) in its connected callback.
    const payload = uniqueName('sent-on-connected')
    let sending: Promise<unknown> | undefined
    const stop = alice.onConnectionChange((state) => {
      if (state === 'connected' && sending === undefined) sending = alice.send({ kind: 'user', userID: 'bob' }, payload, STORED)
    })
    try {
      alice.dropConnection()
      await within(20_000, 'connected again', (async () => {
        while (!states.includes('connected')) await sleep(20)
      })())
      expect(states).toEqual(['connecting', 'connected'])
      // Within the time a send waits for the connection to come back (sendWaitMs, 10 s).
      await within(8_000, 'the send', sending ?? Promise.reject(new Error('no send')))
    } finally {
      stop()
    }
  })

  it('fails with Disconnected when the server cannot resume the session, and the device reconnects', async () => {
    // The server knows no such session: it answers the resumption with <failed/>, and a new session starts.
    relay.rewrite(/previd=(["'])[^"']*\1/g, 'previd="no-such-session"', 1)
    const sending = sendOnResetSocket(uniqueName('session-gone'))
    await expect(within(20_000, 'the send', sending)).rejects.toSatisfy((error) => error instanceof TransportError && error.reason === 'Disconnected')
    // It failed once the new session was up: the device went through a reconnection first.
    expect(states).toContain('connecting')
    await connected(alice, 20_000)
    await alice.send({ kind: 'user', userID: 'bob' }, uniqueName('after-a-new-session'), STORED)
  })

  it('a group message sent while a new session comes up waits until the device sits in the room again, instead of failing with NotMember', async () => {
    const groupID = uniqueName('team')
    const group = { kind: 'group', groupID } as const
    await alice.createGroup(groupID, ['bob'])
    // Bob sits in the room once he gets this.
    const first = uniqueName('before')
    await within(10_000, 'bob in the room', (async () => {
      while (!received.some((m) => m.payload === first)) {
        await alice.send(group, first, STORED)
        await sleep(200)
      }
    })())
    // The server knows no such session: a new one starts, and the room is joined again in it.
    relay.rewrite(/previd=(["'])[^"']*\1/g, 'previd="no-such-session"', 1)
    relay.reset()
    await within(5_000, 'alice to notice', (async () => {
      while (alice.connectionState === 'connected') await sleep(5)
    })())
    const payload = uniqueName('sent-while-reconnecting')
    await within(20_000, 'the send', alice.send(group, payload, STORED))
    await within(10_000, 'the message at bob', (async () => {
      while (!received.some((m) => m.payload === payload)) await sleep(20)
    })())
    await sleep(500) // a duplicate would land by now
    expect(received.filter((m) => m.payload === payload)).toHaveLength(1)
  })
})
