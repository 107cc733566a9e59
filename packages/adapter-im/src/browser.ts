/**
 * @beckon/adapter-im in browsers (the package's `browser` export condition, which bundlers pick
 * when they target browsers): the same transport over WebSocket (RFC 7395) only, with no Node
 * built-in in the bundle. The server needs a WebSocket endpoint (Prosody: `mod_websocket`, at
 * `/xmpp-websocket` on its HTTP port; ejabberd: `ejabberd_http` with `ws`).
 *
 * @example
 * ```ts
 * import { connectXmpp } from '@beckon/adapter-im'
 * import { createSignaling } from '@beckon/core'
 *
 * const transport = connectXmpp({ service: 'wss://chat.example.org/xmpp-websocket', domain: 'example.org', userID: 'alice', password, deviceID: 'browser' })
 * const signaling = createSignaling({ transport })
 * await transport.ready()
 * ```
 *
 * @module
 */
import { browserClient } from './browserClient.js'
import { browserSchemes } from './service.js'
import { connectSoon, XmppTransportBase, type XmppTransportOptions } from './transport.js'

/** beckon's `ImTransport` on an XMPP server, over WebSocket. */
export class XmppTransport extends XmppTransportBase {
  /** @throws TypeError when `options.service` is not a `ws://` or `wss://` URL with a host */
  constructor(options: XmppTransportOptions) {
    super(options, { createClient: browserClient, schemes: browserSchemes })
  }
}

/**
 * Create a transport and start connecting (on the next macrotask, so the caller can subscribe
 * first); it reports `connected` once caught up, and `ready()` waits for that.
 *
 * @throws TypeError when `options.service` is not a `ws://` or `wss://` URL with a host
 */
export const connectXmpp = (options: XmppTransportOptions): XmppTransport => connectSoon(new XmppTransport(options))

export * from './surface.js'
