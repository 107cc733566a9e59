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

// -------------------------------------------------------------------------------------------------
// Reading what beckon writes
// -------------------------------------------------------------------------------------------------

/**
 * A text laid out as beckon writes an envelope: every key in the native order, no space, strings
 * without escapes but in `data`, numbers as at most 15 digits (so read exactly by adding them up).
 * Its parts are linear: no text makes it backtrack.
 */
const nativeLayout =
  /^\{"businessID":1,"inviteID":"[ !#-[\]-\uffff]*","groupID":"[ !#-[\]-\uffff]*","inviter":"[ !#-[\]-\uffff]*","inviteeList":\["[ !#-[\]-\uffff]*"(?:,"[ !#-[\]-\uffff]*")*\],"data":"(?:[ !#-[\]-\uffff]|\\["\\/bfnrt]|\\u[\da-fA-F]{4})*","timeout":(?:0|[1-9]\d{0,14}),"actionType":(?:0|[1-9]\d{0,14}),"onlineUserOnly":(?:true|false)(?:,"beckon":\{"actionID":"[ !#-[\]-\uffff]*"(?:,"seq":(?:0|[1-9]\d{0,14}))?(?:,"audience":"[ !#-[\]-\uffff]*")?\})?\}$/

/** The last character of the value {@link readNative} read last. */
let at = 0

/**
 * For each place in the layout but the action id (unique to each message), the text last read
 * there as written (escapes and all) and the string it read as. Answers to one invitation repeat
 * its id, group, inviter and often their data: such a value is the string read before, with
 * nothing parsed or allocated, and what the engine keeps of a thousand answers holds one string.
 */
const lastTexts = ['', '', '', '', '', '']
const lastStrings = ['', '', '', '', '', '']

/**
 * Whether `s` has `text` at `from`; a short text is compared here, quicker than by a call out. A
 * longer one is searched for from `from` on: V8's `startsWith` from a position past 0 took 4× as
 * long as that search for a 36-character id, and 5× for 100 characters (the search, when the text
 * is not there, goes on to the end of a payload of at most 512 characters).
 */
const hasAt = (s: string, text: string, from: number): boolean => {
  if (text.length >= 13) return s.indexOf(text, from) === from
  for (let i = 0; i < text.length; i++) if (s.charCodeAt(from + i) !== text.charCodeAt(i)) return false
  return true
}

/**
 * The string value that opens `gap` characters after {@link at}, as `JSON.parse` reads it, for
 * place `slot` of the layout (-1: none). The text read last at that place is looked for first,
 * before the closing quote: most values are found so (answers to one invitation repeat its id,
 * group, inviter and data). Only `data` may have escapes (the layout has none elsewhere); they are
 * looked for only there, and only in a value not read last. Never a slice of 13 units or more of
 * `s`: V8 makes that a view that keeps all of `s` alive, and the engine keeps some of these
 * strings; a shorter slice is a copy, a longer or escaped string is parsed alone.
 */
const stringAfter = (s: string, gap: number, slot: number, data = false): string => {
  const open = at + gap + 1
  if (slot >= 0) {
    // The text read last, then a quote, is the whole value: that quote closes it (the text is a
    // whole JSON string's, and ends outside an escape).
    const last = lastTexts[slot]!
    if (s.charCodeAt(open + last.length) === quote && hasAt(s, last, open)) {
      at = open + last.length
      return lastStrings[slot]!
    }
  }
  at = closingQuote(s, open - 1)
  const length = at - open
  const escaped = data && s.lastIndexOf('\\', at) >= open
  const read = length < 13 && !escaped ? s.slice(open, at) : (JSON.parse(s.slice(open - 1, at + 1)) as string)
  if (slot >= 0) {
    lastTexts[slot] = escaped ? s.slice(open, at) : read
    lastStrings[slot] = read
  }
  return read
}

/** The number that starts `gap` characters after {@link at} (digits alone, at most 15 of them). */
const countAfter = (s: string, gap: number): number => {
  let n = 0
  for (at += gap; ; at++) {
    const digit = s.charCodeAt(at) - 48
    if (!(digit >= 0 && digit <= 9)) break
    n = n * 10 + digit
  }
  at--
  return n
}

/**
 * `JSON.parse(s)` for a text in {@link nativeLayout}: the same value, key for key and in the same
 * order, without the general parser's work per key and per value; any other text, valid JSON or
 * not, is `undefined`, for the general parser (`payload.test.ts` holds the two to agree). Every
 * message beckon sends is in that layout, and most a device receives are.
 */
export const readNative = (s: string): Record<string, unknown> | undefined => {
  if (!nativeLayout.test(s)) return undefined
  at = 14 // the `1` of businessID; each value starts one character past its key, after the last value
  const inviteID = stringAfter(s, 13, 0)
  const groupID = stringAfter(s, 12, 1)
  const inviter = stringAfter(s, 12, 2)
  const inviteeList = [stringAfter(s, 17, 3)]
  while (s.charCodeAt(at + 1) === 0x2c) inviteeList.push(stringAfter(s, 2, -1))
  const data = stringAfter(s, 10, 4, true)
  const timeout = countAfter(s, 12)
  const actionType = countAfter(s, 15)
  const onlineUserOnly = s.charCodeAt(at + 19) === 0x74
  at += onlineUserOnly ? 22 : 23
  if (at === s.length - 2) return { businessID: 1, inviteID, groupID, inviter, inviteeList, data, timeout, actionType, onlineUserOnly }
  const actionID = stringAfter(s, 23, -1)
  const seq = s.charCodeAt(at + 3) === 0x73 ? countAfter(s, 8) : undefined
  const audience = s.charCodeAt(at + 3) === 0x61 ? stringAfter(s, 13, 5) : undefined
  // One literal per case, as the codec's defaults make the extension: one shape for each.
  const beckon = seq === undefined ? (audience === undefined ? { actionID } : { actionID, audience }) : audience === undefined ? { actionID, seq } : { actionID, seq, audience }
  return { businessID: 1, inviteID, groupID, inviter, inviteeList, data, timeout, actionType, onlineUserOnly, beckon }
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
