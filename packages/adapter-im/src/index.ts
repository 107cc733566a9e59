/**
 * @beckon/adapter-im — beckon's `ImTransport` over XMPP: users are bare JIDs, devices are
 * resources, groups are MUC rooms. Tested against Prosody 0.12; usable with any server that has
 * MAM (XEP-0313), carbons (XEP-0280), entity time (XEP-0202) and a MUC component with MUC-MAM.
 * Bundlers targeting browsers get `browser.ts` instead (the `browser` export condition): the same
 * API over WebSocket only.
 *
 * @example
 * ```ts
 * import { connectXmpp } from '@beckon/adapter-im'
 * import { createSignaling } from '@beckon/core'
 *
 * const transport = connectXmpp({ service: 'xmpp://127.0.0.1:5222', domain: 'example.org', userID: 'alice', password, deviceID: 'phone' })
 * const signaling = createSignaling({ transport }) // subscribe first: catch-up is delivered before `connected`
 * await transport.ready()                          // logged in and caught up, or why not
 * await signaling.invite('bob')
 * ```
 *
 * @module
 */
import { nodeClient } from './nodeClient.js'
import { nodeSchemes } from './service.js'
import { connectSoon, XmppTransportBase, type XmppTransportOptions } from './transport.js'

/** beckon's `ImTransport` on an XMPP server, over TCP, TLS or WebSocket. */
export class XmppTransport extends XmppTransportBase {
  /** @throws TypeError when `options.service` is not an `xmpp://`, `xmpps://`, `ws://` or `wss://` URL with a host */
  constructor(options: XmppTransportOptions) {
    super(options, { createClient: nodeClient, schemes: nodeSchemes })
  }
}

/**
 * Create a transport and start connecting (on the next macrotask, so the caller can subscribe
 * first); it reports `connected` once caught up, and `ready()` waits for that.
 *
 * @throws TypeError when `options.service` is not an `xmpp://`, `xmpps://`, `ws://` or `wss://` URL with a host
 */
export const connectXmpp = (options: XmppTransportOptions): XmppTransport => connectSoon(new XmppTransport(options))

export * from './surface.js'
