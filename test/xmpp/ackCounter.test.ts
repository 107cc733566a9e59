/**
 * A new session after a failed resumption counts the server's stanzas from its `<enabled/>` on
 * (XEP-0198 §4). The server may ask for an acknowledgement right behind that `<enabled/>`, in the
 * same write: ejabberd did after its restart. The answer must count what came after `<enabled/>`
 * only. Counting on from the dropped session, it acknowledged more stanzas than the new session
 * had sent: both servers close such a stream (`undefined-condition`), and the device, reported
 * connected a moment before, reconnected once more, its rooms left meanwhile.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { connectXmpp, type XmppTransport } from '@beckon/adapter-im'
import { TEST_PASSWORD } from '../../scripts/xmpp/testServer.js'
import { Relay } from './relay.js'
import { connected, settings, sleep, uniqueName, xmppEnabled } from './support.js'

describe.skipIf(!xmppEnabled)('a new session whose server asks for an acknowledgement with its <enabled/>', () => {
  let relay: Relay
  let alice: XmppTransport
  const errors: unknown[] = []
  const states: string[] = []

  beforeEach(async () => {
    relay = await Relay.to(settings.port)
    errors.length = 0
    alice = connectXmpp({
      domain: settings.domain,
      password: TEST_PASSWORD,
      reconnectDelayMs: 50,
      service: `xmpp://127.0.0.1:${relay.port}`,
      userID: 'alice',
      deviceID: uniqueName('ack'),
      onError: (error) => void errors.push(error),
    })
    await connected(alice)
    states.length = 0
    alice.onConnectionChange((state) => void states.push(state))
  })
  afterEach(async () => {
    await alice.disconnect()
    await relay.close()
  })

  it('acknowledges only what the new session was sent: the server keeps the stream, the device connects once', async () => {
    // The first session got stanzas (its catch-up's answers), so its count is well above zero.
    relay.rewrite(/previd=(["'])[^"']*\1/g, 'previd="no-such-session"', 1)
    relay.rewriteFromServer(/<enabled\b[^>]*\/>/g, '$&<r xmlns="urn:xmpp:sm:3"/>', 1)
    relay.reset()
    await connected(alice, 20_000)
    await sleep(1_000) // the server's answer to a wrong acknowledgement comes at once
    const streamErrors = errors.filter((error) => error instanceof Error && error.name === 'StreamError').map(String)
    expect(streamErrors).toEqual([])
    expect(states).toEqual(['connecting', 'connected'])
    expect(alice.connectionState).toBe('connected')
  })
})
