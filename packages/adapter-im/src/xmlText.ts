/**
 * Text that XML 1.0 cannot carry. `@xmpp/xml` escapes `& < > " '` and writes every other
 * character as it is, so a control character (U+0000–U+001F but tab, line feed and carriage
 * return) or a noncharacter U+FFFE / U+FFFF in an id or a payload reaches the server raw. The
 * server's XML parser then rejects the whole stream as not well-formed: the connection closes,
 * and every other send in flight on it fails with it. A lone surrogate does not break the
 * stream, but is silently written as U+FFFD, so the text that arrives is not the text sent.
 * Such text is refused here, before it is written, naming where it was found.
 *
 * JSON escapes control characters and lone surrogates, so in a signaling payload only U+FFFE and
 * U+FFFF can occur; ids become parts of addresses and may hold any of them.
 *
 * @module
 */
import { TransportError } from '@beckon/core'

const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** What XML 1.0 can carry, as the error messages say it. */
export const XML_TEXT_RULE = 'no control character other than tab, line feed and carriage return, no U+FFFE or U+FFFF, no lone surrogate'

const codePoint = (text: string, at: number): string => `U+${text.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0')}`

/** Where the first character XML cannot carry is in `text`, or -1. */
export const notXmlAt = (text: string): number => text.search(NOT_XML)

/** Fails with `TransportError('Rejected')` when `text`, which the app calls `name`, holds a character XML cannot carry. */
export const requireXmlText = (text: string, name: string): void => {
  const at = notXmlAt(text)
  if (at >= 0) throw new TransportError('Rejected', `${name} ${JSON.stringify(text)} holds ${codePoint(text, at)}, which XMPP cannot carry (${XML_TEXT_RULE})`)
}

/** The path of the first string in a JSON value that holds a character XML cannot carry (`data`, `inviteeList[2]`). */
const pathToBadText = (value: unknown, path: string): string | undefined => {
  if (typeof value === 'string') return notXmlAt(value) >= 0 ? path : undefined
  if (typeof value !== 'object' || value === null) return undefined
  for (const [key, child] of Object.entries(value)) {
    const found = pathToBadText(child, Array.isArray(value) ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`)
    if (found !== undefined) return found
  }
  return undefined
}

/**
 * Fails with `TransportError('Rejected')` when a message's text (its signaling payload, or its
 * push info) holds a character XML cannot carry. For a JSON text the error names the field.
 */
export const requireXmlPayload = (payload: string, what: string): void => {
  const at = notXmlAt(payload)
  if (at < 0) return
  let field: string | undefined
  try {
    field = pathToBadText(JSON.parse(payload), '')
  } catch {
    field = undefined
  }
  const where = field === undefined || field === '' ? what : `${field} in ${what}`
  throw new TransportError('Rejected', `${where} holds ${codePoint(payload, at)}, which XMPP cannot carry (${XML_TEXT_RULE})`)
}
