/**
 * A test stage with a relay between one device and the real server, for tests that cut or hold
 * what that device sends: the stage and the relay close after each test, and every rejection left
 * unhandled meanwhile is recorded, for the test to expect none.
 *
 * @module
 */
import { afterEach } from 'vitest'
import type { XmppTransport } from '@beckon/adapter-im'
import { Relay } from './relay.js'
import { Stage } from './stage.js'
import { device, server } from './support.js'

/** One test's stage, its relay, and a device of `user` that reaches the server through the relay. */
export interface Relayed {
  readonly cast: Stage
  readonly hop: Relay
  /** A device of `user` connecting through the relay, retrying after 100 ms, reporting to `onError`. */
  device(user: string, onError: (error: unknown) => void): XmppTransport
}

/** Registers the clean-up with the suite; `open` in each test, then read `unhandled`. */
export const relayedStages = (): { readonly unhandled: unknown[]; open(users: readonly string[]): Promise<Relayed> } => {
  const unhandled: unknown[] = []
  const record = (reason: unknown): void => void unhandled.push(reason)
  let stage: Stage | undefined
  let relay: Relay | undefined
  afterEach(async () => {
    process.off('unhandledRejection', record)
    await stage?.close()
    await relay?.close()
  })
  return {
    unhandled,
    async open(users) {
      process.on('unhandledRejection', record)
      const cast = (stage = await Stage.open(users))
      const hop = (relay = await Relay.to(server.ports[0]!))
      return {
        cast,
        hop,
        device: (user, onError) =>
          device(cast.naming.toServer(user), 'phone', { service: `xmpp://127.0.0.1:${hop.port}`, reconnectDelayMs: 100, onError }),
      }
    },
  }
}
