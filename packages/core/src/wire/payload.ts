/**
 * Cheap looks at a payload string before and after it is parsed: its UTF-8 size, how deep it
 * nests, and a short preview of a value for an error message. Each costs at most one pass and
 * never recurses further than its bound, so no payload under 12 KB is expensive to turn down.
 *
 * @module
 */

/** UTF-8 length without allocating an encoder's buffer. */
export const utf8Length = (s: string): number => {
  let bytes = 0
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i)
    if (code < 0x80) bytes += 1
    else if (code < 0x800) bytes += 2
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < s.length) {
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}

const nonAscii = /[\u0080-\uffff]/

/**
 * Whether `s` takes more than `maxBytes` in UTF-8. A UTF-16 code unit never takes more than 3
 * bytes (a surrogate pair: 4 for 2 units), so a string of at most `maxBytes / 3` units is never
 * scanned, and an ASCII one only by the regular expression engine: an ordinary envelope costs no
 * pass in JavaScript at all.
 */
export const exceedsBytes = (s: string, maxBytes: number): boolean =>
  s.length > maxBytes || (s.length * 3 > maxBytes && nonAscii.test(s) && utf8Length(s) > maxBytes)

const quote = 0x22
const backslash = 0x5c

/** The index of the quote that closes the JSON string opened at `open`, or -1 if none does. */
const closingQuote = (s: string, open: number): number => {
  for (let at = s.indexOf('"', open + 1); at >= 0; at = s.indexOf('"', at + 1)) {
    let escapes = 0
    while (s.charCodeAt(at - 1 - escapes) === backslash) escapes++
    if (escapes % 2 === 0) return at
  }
  return -1
}

/** Whether `s` holds more than `limit` opening brackets, found by the runtime's own search. */
const opensMoreThan = (s: string, limit: number): boolean => {
  let opened = 0
  for (let at = s.indexOf('['); at >= 0; at = s.indexOf('[', at + 1)) if (++opened > limit) return true
  for (let at = s.indexOf('{'); at >= 0; at = s.indexOf('{', at + 1)) if (++opened > limit) return true
  return false
}

/**
 * Whether `payload` nests arrays and objects more than `limit` deep. A payload with no more than
 * `limit` opening brackets cannot, and is not scanned (an envelope has three, whatever the length
 * of its invitee list or data). Otherwise strings are skipped whole
 * (brackets inside them do not count), so the cost is one step per bracket, comma or colon, not
 * per character. Over the longest prefix of `payload` that is valid JSON the depth it sees is the
 * parser's; past that prefix the parser fails anyway, so an answer of `false` bounds what parsing
 * can cost.
 */
export const nestsDeeperThan = (payload: string, limit: number): boolean => {
  if (!opensMoreThan(payload, limit)) return false
  let depth = 0
  for (let i = 0; i < payload.length; i++) {
    const c = payload.charCodeAt(i)
    if (c === quote) {
      i = closingQuote(payload, i)
      if (i < 0) return false // an unterminated string: not JSON, and the parser stops there
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true
    } else if (c === 0x5d || c === 0x7d) depth--
  }
  return false
}

/**
 * A value as JSON text, cut after `budget` characters: the same text as `JSON.stringify` up to the
 * cut, built without visiting more of the value than the cut needs.
 */
const sketch = (value: unknown, budget: number): string => {
  if (typeof value === 'string') return JSON.stringify(value.length > budget ? value.slice(0, Math.max(0, budget)) : value)
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? String(value)
  const array = Array.isArray(value)
  let text = array ? '[' : '{'
  let first = true
  for (const key of array ? value.keys() : Object.keys(value)) {
    if (text.length >= budget) return text
    const item = (value as Record<string | number, unknown>)[key]
    const head = `${first ? '' : ','}${array ? '' : `${JSON.stringify(key)}:`}`
    text += head + sketch(item, budget - text.length - head.length)
    first = false
  }
  return text + (array ? ']' : '}')
}

/** A short look at a parsed JSON value for an error message; bounded work whatever the value. */
export const preview = (value: unknown): string => {
  const text = sketch(value, 61)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}
