/**
 * @beckon/adapter-im — beckon's `ImTransport` over XMPP: users are bare JIDs, devices are
 * resources, groups are MUC rooms. Tested against Prosody 0.12; usable with any server that has
 * MAM (XEP-0313), carbons (XEP-0280), entity time (XEP-0202) and a MUC component with MUC-MAM.
 *
 * @example
 * ```ts
 * import { connectXmpp } from '@beckon/adapter-im'
 * import { createSignaling } from '@beckon/core'
 *
 * const transport = connectXmpp({ service: 'xmpp://127.0.0.1:5222', domain: 'example.org', userID: 'alice', password, deviceID: 'phone' })
 * const signaling = createSignaling({ transport })
 * ```
 *
 * @module
 */

export { XmppTransport, connectXmpp } from './transport.js'
export type { XmppTransportOptions } from './transport.js'
export type { TimeTolerance } from './serverTime.js'
export { readPushBody } from './push.js'
export type { PushService } from './push.js'
