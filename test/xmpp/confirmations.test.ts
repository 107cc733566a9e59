/**
 * A send resolves once the server has taken it: the answer to a query written behind it (or an
 * XEP-0198 acknowledgement). A server may leave such a query unanswered — ejabberd did, for most
 * of 10,000 concurrent invitations, and every send behind it waited forever. The relay cuts the
 * queries out of the stream, as if the server never read them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { connectXmpp, type XmppTransport } from '@beckon/adapter-im'
import { TransportError } from '@beckon/core'
import { TEST_PASSWORD } from '../../scripts/xmpp/testServer.js'
import { Relay } from './relay.js'
import { connected, settings, sleep, uniqueName, xmppEnabled } from './support.js'

/** The adapter's XEP-0202 query, as the library writes it. */
const TIME_QUERY = /<iq [^>]*><time xmlns="urn:xmpp:time"\/><\/iq>/g
/** An XEP-0198 acknowledgement request. */
const ACK_REQUEST = /<r xmlns="urn:xmpp:sm:3"\/>/g
const STORED = { onlineUserOnly: false } as const

/** `promise`, or a rejection naming `what` after `ms`: a wait that would have no end fails the test. */
const within = <T>(ms: number, what: string, promise: Promise<T>): Promise<T> =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} still pending after ${ms} ms`)), ms))])

describe.skipIf(!xmppEnabled)('send confirmations when the server leaves a query unanswered', () => {
  const retryMs = 300
  let relay: Relay
  let alice: XmppTransport
  const errors: string[] = []

  beforeEach(async () => {
    relay = await Relay.to(settings.port)
    errors.length = 0
    alice = connectXmpp({
      service: `xmpp://127.0.0.1:${relay.port}`,
      domain: settings.domain,
      userID: 'alice',
      password: TEST_PASSWORD,
      deviceID: uniqueName('confirm'),
      confirmationRetryMs: retryMs,
      reconnectDelayMs: 50,
      onError: (error) => errors.push(String(error)),
    })
    await connected(alice)
  })
  afterEach(async () => {
    await alice.disconnect()
    await relay.close()
  })

  it('asks again, and the later answer confirms the send', async () => {
    // Everything that could confirm the send is cut until the device has asked again: a server
    // may otherwise confirm it by an acknowledgement of its own timing (ejabberd did, now and then).
    relay.drop(new RegExp(`${TIME_QUERY.source}|${ACK_REQUEST.source}`, 'g'))
    const sending = alice.send({ kind: 'user', userID: 'bob' }, uniqueName('asked-twice'), STORED)
    const askedAgain = async (): Promise<void> => {
      while (!errors.some((e) => e.includes('asking again'))) await sleep(20)
    }
    await within(10_000, 'asking again', askedAgain())
    relay.pass()
    const receipt = await within(10_000, 'the send', sending)
    expect(receipt.messageID).toBeTruthy()
  })

  it('waits for a server that is busy but alive, however long, and the answer confirms the send', async () => {
    const bob = connectXmpp({ service: `xmpp://127.0.0.1:${settings.port}`, domain: settings.domain, userID: 'bob', password: TEST_PASSWORD, deviceID: uniqueName('chatty') })
    try {
      await connected(bob)
      relay.drop(new RegExp(`${TIME_QUERY.source}|${ACK_REQUEST.source}`, 'g'))
      // The server keeps writing to alice: alive, though it answers none of her queries.
      const chatter = setInterval(() => void bob.send({ kind: 'user', userID: 'alice' }, 'chatter', { onlineUserOnly: true }).catch(() => undefined), 100)
      let settled = false
      const sending = alice.send({ kind: 'user', userID: 'bob' }, uniqueName('busy-server'), STORED).finally(() => (settled = true))
      await sleep(8 * retryMs)
      clearInterval(chatter)
      expect(settled).toBe(false)
      expect(errors.some((e) => e.includes('dropping the connection'))).toBe(false)
      relay.pass()
      // The next ask, or an acknowledgement stream management asks for, gets through.
      await within(16 * retryMs + 10_000, 'the send', sending)
    } finally {
      await bob.disconnect()
    }
  })

  it('catches up without the clock reading the server leaves unanswered', async () => {
    await alice.disconnect()
    relay.drop(TIME_QUERY)
    alice.connect()
    await connected(alice, 6 * retryMs + 10_000)
    expect(errors.some((e) => e.includes('clock reading unanswered'))).toBe(true)
  })

  it('a send whose connection drops before the confirmation resolves once the session is resumed', async () => {
    relay.hold()
    const sending = alice.send({ kind: 'user', userID: 'bob' }, uniqueName('across-a-drop'), STORED)
    await sleep(150)
    alice.dropConnection()
    relay.release()
    // XEP-0198: the server acknowledges on resumption what it took before the drop.
    const receipt = await within(20_000, 'the send', sending)
    expect(receipt.messageID).toBeTruthy()
  })

  it('gives up on a connection that answers nothing: the send fails with Disconnected, the device reconnects', async () => {
    relay.drop(new RegExp(`${TIME_QUERY.source}|${ACK_REQUEST.source}`, 'g'))
    const began = Date.now()
    const sending = alice.send({ kind: 'user', userID: 'bob' }, uniqueName('never-confirmed'), STORED)
    await expect(within(6 * retryMs + 10_000, 'the send', sending)).rejects.toSatisfy((error) => error instanceof TransportError && error.reason === 'Disconnected')
    expect(Date.now() - began).toBeGreaterThanOrEqual(6 * retryMs)
    expect(errors.some((e) => e.includes('dropping the connection'))).toBe(true)
    relay.pass()
    await connected(alice, 20_000)
    await alice.send({ kind: 'user', userID: 'bob' }, uniqueName('after-reconnect'), STORED)
  })
})
