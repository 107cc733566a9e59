/**
 * Shared setup for the tests that run against the real Prosody (see scripts/prosody): whether they
 * are enabled, how to connect a device, and a contract-suite world over the test accounts.
 *
 * @module
 */
import { connectXmpp, XmppTransport, type XmppTransportOptions } from '@beckon/adapter-im'
import { TransportError, type ImTransport } from '@beckon/core'
import { settingsFromEnv, TEST_PASSWORD, TEST_USERS } from '../../scripts/prosody/server.js'
import type { ContractWorld } from '../contract/transport-contract.js'

/** The XMPP tests run only with `BECKON_XMPP=1` (set by `npm run test:xmpp`), against a running server. */
export const xmppEnabled = process.env['BECKON_XMPP'] === '1'

export const settings = settingsFromEnv()

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Names unique across runs against one server (archives and room tombstones outlive a run). */
const run = Date.now().toString(36)
let names = 0
export const uniqueName = (prefix: string): string => `${prefix}-${run}-${++names}`.toLowerCase()

/** A device of a test user, connecting. */
export const device = (userID: string, deviceID?: string, options: Partial<XmppTransportOptions> = {}): XmppTransport =>
  connectXmpp({
    service: `xmpp://127.0.0.1:${settings.port}`,
    domain: settings.domain,
    userID,
    password: TEST_PASSWORD,
    ...(deviceID === undefined ? {} : { deviceID }),
    ...options,
  })

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

/** The contract suite's world on the test Prosody: fresh devices per test, closed at teardown. */
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
