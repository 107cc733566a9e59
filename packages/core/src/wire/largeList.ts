/**
 * beckon's large-list extension: how a signaling envelope that does not fit Tencent's 12 KB cap
 * travels — in practice an invitation to hundreds or thousands of invitees (about 308 UUID user
 * ids fill 12 KB), or a cancel or timeout listing that many.
 *
 * An envelope that fits 12 KB is always sent as Tencent's envelope, unchanged. A larger one is
 * wrapped whole under one top-level key:
 *
 * ```json
 * {"beckonSignaling":{"businessID":1,"inviteID":"…","groupID":"class","inviter":"t",
 *   "inviteeList":["s1", … "s5000"],"data":"…","timeout":30,"actionType":1,"onlineUserOnly":false,
 *   "beckon":{"actionID":"…"}}}
 * ```
 *
 * Why a wrapper, not Tencent's envelope with a long list: a Tencent client identifies a
 * signaling message by the top-level `businessID` / `actionType` keys of the custom message's
 * JSON. The wrapper has neither, so a Tencent client treats it as some other app's custom message
 * and ignores it: it never rings a partial or wrong list (a truncated list would ring the wrong
 * people, and an oversized envelope is refused by Tencent's SDKs anyway). Only beckon clients
 * hear invitations of this size.
 *
 * Laws (checked in `largeList.test.ts`):
 * - only payloads over {@link maxEnvelopeBytes} are read as this extension; a Tencent envelope
 *   over 12 KB that is not wrapped still never decodes;
 * - a payload over {@link maxLargeEnvelopeBytes} never decodes, and nothing larger is parsed;
 * - decoding is total: every string gives a value or a failure, never an exception.
 *
 * @module
 */

/** The one top-level key of a wrapped envelope. */
export const largeListKey = 'beckonSignaling'

/**
 * The largest wrapped envelope beckon sends or reads: 1 MiB, room for 10,000 invitees (the
 * default `maxInvitees`) with user ids of up to ~100 characters. It bounds what a hostile payload
 * can make a receiver parse.
 */
export const maxLargeEnvelopeBytes = 1024 * 1024

const prefix = `{"${largeListKey}":`

/** Wraps an envelope's JSON (already encoded, over 12 KB) as the extension's payload. */
export const wrapLargeList = (envelopeJson: string): string => `${prefix}${envelopeJson}}`

/** The bytes wrapping adds to an envelope's JSON. */
export const largeListOverhead = prefix.length + 1

/** What unwrapping found: the inner envelope as parsed JSON, or why there is none. */
export type Unwrapped =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly tag: 'Oversized' | 'NotJson'; readonly detail: string }

/**
 * Reads a payload over 12 KB as the extension. `bytes` is the payload's UTF-8 length (the caller
 * has measured it). Never throws.
 */
export const unwrapLargeList = (payload: string, bytes: number, tencentCap: number): Unwrapped => {
  if (bytes > maxLargeEnvelopeBytes) return { ok: false, tag: 'Oversized', detail: `payload exceeds ${maxLargeEnvelopeBytes} bytes` }
  // Anything else over Tencent's cap is refused without being parsed.
  if (!payload.trimStart().startsWith('{') || !payload.includes(`"${largeListKey}"`)) {
    return { ok: false, tag: 'Oversized', detail: `payload exceeds ${tencentCap} bytes and is not beckon's large-list extension` }
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(payload) as unknown
  } catch (error) {
    return { ok: false, tag: 'NotJson', detail: error instanceof Error ? error.message : 'not JSON' }
  }
  if (typeof parsed !== 'object' || parsed === null || !Object.prototype.hasOwnProperty.call(parsed, largeListKey)) {
    return { ok: false, tag: 'Oversized', detail: `payload exceeds ${tencentCap} bytes and is not beckon's large-list extension` }
  }
  return { ok: true, value: (parsed as Record<string, unknown>)[largeListKey] }
}

/**
 * The last large payload decoded and its result. A process hosting many devices (the embedded
 * IM, a bot serving many users) gets the very same large payload once per device: an invite to
 * 1,000 members of a room is 1,000 copies of a 40 KB list, and parsing and validating each was
 * most of the room's cost. Decoding is a function of the string alone and its result is never
 * modified, so the one result is shared. One entry: at most one payload (≤ 1 MiB) is retained.
 */
let lastDecoded: { readonly payload: string; readonly result: unknown } | undefined

/** `decode(payload)`, reusing the result when `payload` is the string decoded last. */
export const decodeLargeOnce = <R>(payload: string, decode: (payload: string) => R): R => {
  if (lastDecoded !== undefined && lastDecoded.payload === payload) return lastDecoded.result as R
  const result = decode(payload)
  lastDecoded = { payload, result }
  return result
}
