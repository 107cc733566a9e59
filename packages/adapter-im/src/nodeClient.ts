/**
 * The `@xmpp/client` entity in Node: the library's full client (TCP, STARTTLS, direct TLS,
 * WebSocket, SCRAM), with its fixed-delay reconnection turned off in favour of ours.
 *
 * @module
 */
import { client } from '@xmpp/client'
import type { ClientFactory } from './session.js'

export const nodeClient: ClientFactory = (options) => {
  const entity = client(options)
  entity.reconnect.stop()
  return entity
}
