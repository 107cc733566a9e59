/**
 * The `@xmpp/client` entity in browsers, assembled from its parts over WebSocket only (RFC 7395).
 * `@xmpp/client` itself imports its TCP, TLS and DNS-resolution parts, which need Node (bundlers
 * fail on `node:dns` or warn about it); this takes the same parts in the same order, minus those,
 * minus SCRAM (Node's crypto) and SASL2/FAST (Prosody 0.12 offers neither). SASL PLAIN remains:
 * over `wss://` the stream is encrypted, and `ws://` is for loopback.
 *
 * @module
 */
import { Client } from '@xmpp/client-core'
import iqCallee from '@xmpp/iq/callee.js'
import iqCaller from '@xmpp/iq/caller.js'
import middleware from '@xmpp/middleware'
import resourceBinding from '@xmpp/resource-binding'
import sasl from '@xmpp/sasl'
import plain from '@xmpp/sasl-plain'
import streamFeatures from '@xmpp/stream-features'
import streamManagement from '@xmpp/stream-management'
import websocket from '@xmpp/websocket'
import SASLFactory from 'saslmechanisms'
import type { Client as FullClient } from '@xmpp/client'
import type { ClientFactory } from './session.js'

export const browserClient: ClientFactory = (options) => {
  const { resource, credentials, ...params } = options
  const entity = new Client(params)
  websocket({ entity })
  const wares = middleware({ entity })
  const features = streamFeatures({ middleware: wares })
  const caller = iqCaller({ middleware: wares, entity })
  const callee = iqCallee({ middleware: wares, entity })
  const saslFactory = new SASLFactory()
  plain(saslFactory)
  // Stream features are negotiated in the order they are registered, as in @xmpp/client.
  sasl({ streamFeatures: features, saslFactory }, (authenticate, mechanisms) => credentials?.(authenticate, mechanisms) ?? Promise.resolve())
  const sm = streamManagement({ streamFeatures: features, entity, middleware: wares })
  resourceBinding({ iqCaller: caller, streamFeatures: features }, resource)
  callee.get('urn:xmpp:ping', 'ping', () => ({}))
  return Object.assign(entity, { iqCaller: caller, streamManagement: sm }) as FullClient
}
