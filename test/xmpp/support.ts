/**
 * Shared setup for the tests that run against a real XMPP server — Prosody, or ejabberd with
 * `BECKON_XMPP_SERVER=ejabberd` (one node, or a cluster with `BECKON_XMPP_NODES=2`; see
 * scripts/xmpp/testServer.ts): whether they are enabled, how to connect a device, and a
 * contract-suite world over the test accounts.
 *
 * @module
 */
import { connectXmpp, XmppTransport, type XmppTransportOptions } from '@beckon/adapter-im'
import { TransportError, type ImTransport } from '@beckon/core'
import { settingsFromEnv } from '../../scripts/prosody/config.js'
import { serverFromEnv, TEST_PASSWORD, TEST_USERS } from '../../scripts/xmpp/testServer.js'
import type { ContractWorld } from '../contract/transport-contract.js'

/** The XMPP tests run only with `BECKON_XMPP=1` (set by `npm run test:xmpp`), against a running server. */
export const xmppEnabled = process.env['BECKON_XMPP'] === '1'

/** The server under test (started and stopped by the global setup). */
export const server = serverFromEnv()

/** Where the server's first node listens, and its domains (with Prosody's other settings). */
export const settings = { ...settingsFromEnv(), port: server.ports[0]!, domain: server.domain, mucDomain: server.mucDomain }

/** Stop every node of the server, stay down for `downMs`, start again; data survives. */
export const restartServer = async (downMs: number): Promise<void> => {
  await server.stop()
  await sleep(downMs)
  await server.start()
}

/**
 * The node each new device connects to: one after the other, so that on a cluster a test's users
 * — and one user's devices — sit on different nodes. A device keeps its node when it reconnects.
 */
let devicesConnected = 0
const nextPort = (): number => server.ports[devicesConnected++ % server.ports.length]!
const nodes = new WeakMap<ImTransport, number>()

/** The node (1-based) a device of {@link device} connects to. */
export const nodeOf = (transport: ImTransport): number => {
  const node = nodes.get(transport)
  if (node === undefined) throw new Error('not a device of device()')
  return node
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Names unique across runs against one server (archives and room tombstones outlive a run). */
const run = Date.now().toString(36)
let names = 0
export const uniqueName = (prefix: string): string => `${prefix}-${run}-${++names}`.toLowerCase()

/** A device of a test user, connecting (to the next node of a cluster). */
export const device = (userID: string, deviceID?: string, options: Partial<XmppTransportOptions> = {}): XmppTransport => {
  const port = nextPort()
  const transport = connectXmpp({
    service: `xmpp://127.0.0.1:${port}`,
    domain: settings.domain,
    userID,
    password: TEST_PASSWORD,
    ...(deviceID === undefined ? {} : { deviceID }),
    ...options,
  })
  nodes.set(transport, server.ports.indexOf(port) + 1)
  return transport
}

/** Poll until `condition` holds; fail after `timeoutMs`, naming what was awaited. */
export const until = async (condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(5)
  }
}

export const connected = (transport: ImTransport, timeoutMs?: number): Promise<void> =>
  until(() => transport.connectionState === 'connected', `${transport.userID}/${transport.deviceID} to connect`, timeoutMs)

const xmpp = (transport: ImTransport): XmppTransport => {
  if (!(transport instanceof XmppTransport)) throw new TransportError('Rejected', 'not an XMPP transport')
  return transport
}

/** The contract suite's world on the test server: fresh devices per test, closed at teardown. */
export const prosodyWorld = (): ContractWorld => {
  const open = new Set<XmppTransport>()
  return {
    users: TEST_USERS.slice(0, 6),
    connect: async (userID, deviceID) => {
      const transport = device(userID, deviceID)
      open.add(transport)
      return transport
    },
    disconnect: async (transport) => xmpp(transport).disconnect(),
    reconnect: async (transport) => {
      xmpp(transport).connect()
      await connected(transport)
    },
    // Loopback round trips take well under a millisecond; a short pause lets what is in flight land.
    settle: () => sleep(150),
    uniqueName,
    teardown: async () => {
      await Promise.all([...open].map((transport) => transport.disconnect()))
    },
  }
}
