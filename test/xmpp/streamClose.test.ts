/**
 * A stream that closes while the server is slow to write. `@xmpp/client` stops reading the stream
 * once it has waited its stream timeout for the server's goodbye, but the socket stays open until
 * it closes: whatever the server still had to send arrives then. Under load on ejabberd, such
 * late data threw out of the library's socket handler (`Cannot read properties of null (reading
 * 'write')`: the stream's parser is gone), uncaught. The relay holds the server's data back, as a
 * busy server or a slow network would, so the case is reproduced at will.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { nodeClient } from '../../packages/adapter-im/src/nodeClient.js'
import { XmppSession } from '../../packages/adapter-im/src/session.js'
import { TEST_PASSWORD } from '../../scripts/xmpp/testServer.js'
import { Relay } from './relay.js'
import { settings, sleep, uniqueName, until, xmppEnabled } from './support.js'

describe.skipIf(!xmppEnabled)('a stream closing while the server is slow to write', () => {
  const streamTimeoutMs = 400
  let relay: Relay
  const uncaught: unknown[] = []
  const record = (error: unknown): void => void uncaught.push(error)

  beforeEach(async () => {
    relay = await Relay.to(settings.port)
    uncaught.length = 0
    process.on('uncaughtException', record)
  })
  afterEach(async () => {
    process.off('uncaughtException', record)
    await relay.close()
  })

  const session = (): XmppSession =>
    new XmppSession({
      service: `xmpp://127.0.0.1:${relay.port}`,
      domain: settings.domain,
      username: 'alice',
      password: TEST_PASSWORD,
      resource: uniqueName('slow-close'),
      createClient: nodeClient,
      backoff: { initialDelayMs: 50, maxDelayMs: 200 },
      streamTimeoutMs,
    })

  it('drops what the server sends after the device stopped waiting for its goodbye, and can connect again', async () => {
    const device = session()
    device.start()
    await until(() => device.online, 'the session to come online')
    relay.hold()
    const stopped = device.stop()
    // The library gave up on the server's goodbye and is closing the socket: the server's data lands now.
    await sleep(streamTimeoutMs + 100)
    relay.release()
    await stopped
    await sleep(100)
    expect(uncaught).toEqual([])
    expect(device.online).toBe(false)

    device.start()
    await until(() => device.online, 'the session to come online again')
    await device.stop()
    expect(uncaught).toEqual([])
  })
})
