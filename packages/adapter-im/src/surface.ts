/**
 * What both entry points (`index.ts` for Node, `browser.ts` for browsers) export besides the
 * transport itself, so the two cannot drift apart.
 *
 * @module
 */
export type { XmppTransportOptions } from './transport.js'
export type { RetryNotice } from './reconnection.js'
export type { TimeTolerance } from './serverTime.js'
export { readPushBody } from './pushInfo.js'
export type { PushService } from './pushInfo.js'
export { memoryStore, webStorageStore } from './store.js'
export type { KeyValueStore, WebStorage } from './store.js'
