/**
 * The connection as an app sees it, against the real server (Prosody, or ejabberd): waiting for readiness (the README's
 * snippet, as written), a refused password as a terminal state with its own error, and
 * reconnection with backoff against a server that is not there.
 */
import { createServer } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { connectXmpp, type XmppTransport, type XmppTransportOptions, type RetryNotice } from '@beckon/adapter-im'
import { createSignaling, errorCodes, TransportError, type ConnectionState } from '@beckon/core'
import { TEST_PASSWORD } from '../../scripts/xmpp/testServer.js'
import { connected, server, settings, sleep, uniqueName, until, xmppEnabled } from './support.js'

/** A loopback port nothing listens on. */
const closedPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })

describe.skipIf(!xmppEnabled)('the XMPP connection, as an app sees it', () => {
  const open: XmppTransport[] = []
  const connect = (options: Partial<XmppTransportOptions> & { userID: string }): XmppTransport => {
    const transport = connectXmpp({ service: `xmpp://127.0.0.1:${settings.port}`, domain: settings.domain, password: TEST_PASSWORD, ...options })
    open.push(transport)
    return transport
  }
  const statesOf = (transport: XmppTransport): ConnectionState[] => {
    const states: ConnectionState[] = []
    transport.onConnectionChange((state) => states.push(state))
    return states
  }

  afterEach(async () => {
    await Promise.all(open.splice(0).map((t) => t.disconnect()))
  })

  it('runs the README snippet as written: createSignaling, await ready(), invite — and the invitee rings', async () => {
    const rings: string[] = []
    const bobTransport = connect({ userID: 'bob', deviceID: 'phone' })
    const bob = createSignaling({ transport: bobTransport })
    bob.addSignalingListener({ onReceiveNewInvitation: (inviteID, inviter) => rings.push(`${inviteID}:${inviter}`) })

    const transport = connect({ userID: 'alice', deviceID: 'desk' })
    const alice = createSignaling({ transport })
    expect(transport.connectionState).not.toBe('connected') // what used to fail at once with 6014
    await Promise.all([transport.ready(), bobTransport.ready()])
    const inviteID = await alice.invite('bob', uniqueName('call'))
    await until(() => rings.includes(`${inviteID}:alice`), 'bob to ring')
    expect(await transport.ready()).toBeUndefined() // resolves at once when connected
  })

  it('ends a refused password in `disconnected` with its own error, and stops trying', async () => {
    const retries: RetryNotice[] = []
    const transport = connect({ userID: 'alice', password: 'not-the-password', reconnectDelayMs: 10, onReconnecting: (notice) => retries.push(notice) })
    const states = statesOf(transport)
    const refusal = await transport.ready().then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(refusal).toBeInstanceOf(TransportError)
    expect(refusal).toMatchObject({ reason: 'AuthenticationFailed', message: expect.stringMatching(/refused to log in alice@localhost \(SASL not-authorized\).*password/) })
    expect(transport.connectionState).toBe('disconnected')
    expect(transport.connectionError).toMatchObject({ reason: 'AuthenticationFailed' })
    await sleep(300)
    expect(states).toEqual(['connecting', 'disconnected'])
    expect(retries).toEqual([])
    await expect(transport.send({ kind: 'user', userID: 'bob' }, 'x', { onlineUserOnly: false })).rejects.toMatchObject({ reason: 'AuthenticationFailed' })
    await expect(transport.ready()).rejects.toMatchObject({ reason: 'AuthenticationFailed' })
    expect(errorCodes.AuthenticationFailed).toBe(8017)
  })

  it('fails a send waiting through a reconnection as soon as the server refuses the password (changed meanwhile)', async () => {
    const user = uniqueName('pw')
    await server.registerAccounts([user], 'first')
    const transport = connect({ userID: user, password: 'first', reconnectDelayMs: 50, sendWaitMs: 30_000 })
    await transport.ready()
    await server.registerAccounts([user], 'second')
    transport.dropConnection()
    await until(() => transport.connectionState === 'connecting', 'the drop to be noticed')
    await expect(transport.send({ kind: 'user', userID: 'bob' }, 'x', { onlineUserOnly: false })).rejects.toMatchObject({ reason: 'AuthenticationFailed' })
    expect(transport.connectionState).toBe('disconnected')
  })

  it('retries an absent server with growing, jittered pauses, leaks no listeners, and stops on disconnect', async () => {
    const warnings: string[] = []
    const onWarning = (warning: Error): void => void warnings.push(`${warning.name}: ${warning.message}`)
    process.on('warning', onWarning)
    try {
      const retries: RetryNotice[] = []
      const transport = connect({ userID: 'alice', service: `xmpp://127.0.0.1:${await closedPort()}`, reconnectDelayMs: 5, maxReconnectDelayMs: 40, onReconnecting: (notice) => retries.push(notice) })
      await expect(transport.ready(200)).rejects.toMatchObject({ reason: 'Disconnected', message: expect.stringMatching(/did not connect within 200 ms; still trying/) })
      await until(() => retries.length >= 25, '25 retries', 20_000)
      expect(retries.slice(0, 25).map((r) => r.attempt)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1))
      const delays = retries.map((r) => r.delayMs)
      expect(Math.max(...delays)).toBeLessThanOrEqual(40)
      expect(new Set(delays).size).toBeGreaterThan(1)
      expect(retries[0]?.error).toBeDefined()
      expect(transport.connectionState).toBe('connecting')
      await transport.disconnect()
      const seen = retries.length
      await sleep(200)
      expect(retries.length).toBe(seen)
      expect(warnings.filter((w) => w.includes('MaxListeners'))).toEqual([])
    } finally {
      process.off('warning', onWarning)
    }
  })

  it('waits in ready() for the connection connectXmpp starts, and refuses a transport never asked to connect', async () => {
    const transport = connect({ userID: 'carol' })
    await transport.ready()
    await connected(transport)
    await transport.disconnect()
    await expect(transport.ready()).rejects.toMatchObject({ reason: 'Disconnected', message: expect.stringMatching(/call connect\(\) first/) })
  })
})
