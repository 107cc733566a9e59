/**
 * The `service` option, checked when the transport is made: a typo there (`http://…`, a missing
 * scheme) would otherwise only show as a connection that never comes up.
 *
 * @module
 */

/** Where a transport may connect: the schemes its runtime can open. */
export interface ServiceSchemes {
  readonly schemes: readonly string[]
  /** Said after the list of schemes when one is refused (what this runtime can and cannot do). */
  readonly hint: string
}

/** Node: plain TCP (STARTTLS when offered), direct TLS, and WebSocket where the runtime has one. */
export const nodeSchemes: ServiceSchemes = { schemes: ['xmpp:', 'xmpps:', 'ws:', 'wss:'], hint: 'e.g. xmpp://chat.example.org:5222' }

/** Browsers: WebSocket only (RFC 7395). */
export const browserSchemes: ServiceSchemes = { schemes: ['ws:', 'wss:'], hint: 'browsers connect over WebSocket, e.g. wss://chat.example.org/xmpp-websocket' }

/**
 * Returns `service` if it is a URL of an accepted scheme with a host; throws a `TypeError` naming
 * the option otherwise (a programmer error: nothing a retry could fix).
 */
export const checkService = (service: unknown, accepted: ServiceSchemes): string => {
  const refuse = (why: string): never => {
    throw new TypeError(`XmppTransport: option 'service' ${why}; expected ${accepted.schemes.map((s) => `${s}//host[:port]`).join(', ')} (${accepted.hint}), got ${JSON.stringify(service)}`)
  }
  if (typeof service !== 'string' || service === '') return refuse('is missing')
  let url: URL
  try {
    url = new URL(service)
  } catch {
    return refuse('is not a URL')
  }
  if (!accepted.schemes.includes(url.protocol)) return refuse(`has the unsupported scheme ${url.protocol}`)
  if (url.hostname === '') return refuse('names no host')
  if ((url.protocol === 'ws:' || url.protocol === 'wss:') && typeof WebSocket === 'undefined') {
    return refuse('is a WebSocket URL, and this runtime has no WebSocket (Node has one from version 22)')
  }
  return service
}
