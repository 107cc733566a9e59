/**
 * Tencent's signaling envelope: the JSON payload of the IM custom message that carries every
 * signaling action (SPEC §4). Decoding accepts what Tencent's native and Web SDKs send (any key
 * order, `groupID` / `onlineUserOnly` / `data` / `timeout` / `beckon` missing or `null`, md5-hex
 * or UUID invite ids); encoding writes every key, in the native SDKs' order, so both conventions
 * read it.
 *
 * The io-ts codec {@link Envelope} is the definition. Received payloads take a faster road to the
 * same answer (`guard.ts`, proven equal to the codec): a payload is measured, read without the
 * general JSON parser when it is laid out as beckon writes it (`payload.ts`, proven to read what
 * `JSON.parse` reads), else scanned for nesting and parsed, then checked in one pass, and only a
 * payload the guard does not accept meets the codec, which decides and says why, on a bounded copy.
 *
 * Laws (checked in `envelope.test.ts` and `guard.test.ts`):
 * - round trip: for every valid `e`, `decodeEnvelope(encodeEnvelope(e))` is `right(e)`;
 * - totality: `decodeEnvelope(s)` returns (never throws) for every string `s`;
 * - size: a payload over {@link maxEnvelopeBytes} decodes only as beckon's large-list extension
 *   (`largeList.ts`), and never over its own cap;
 * - depth: a payload nesting arrays and objects more than {@link maxNesting} deep never decodes;
 * - agreement: on every JSON text within those bounds, `decodeEnvelope` gives what
 *   `Envelope.decode(JSON.parse(text))` gives (the same envelope, or a failure).
 *
 * @module
 */
import type { Either } from 'fp-ts/lib/Either.js'
import * as E from '#fp-ts/Either.js'
import * as t from 'io-ts'
import { hasRepeats, isId, isRecord, isWireEnvelope } from './guard.js'
import { ActionType, extensionKey, maxEnvelopeBytes, maxIdLength, maxNesting, maxTimeoutSeconds } from './limits.js'
import { decodeLargeOnce, largeListKey, maxLargeEnvelopeBytes, unwrapLargeList, wrapLargeList } from './largeList.js'
import { exceedsBytes, nestsDeeperThan, preview, readNative, utf8Length } from './payload.js'

export { ActionType, extensionKey, maxEnvelopeBytes, maxNesting, maxTimeoutSeconds } from './limits.js'
export { utf8Length } from './payload.js'

// -------------------------------------------------------------------------------------------------
// Model
// -------------------------------------------------------------------------------------------------

/** beckon's additions; they travel in one extra top-level key that other clients ignore. */
export interface BeckonExtension {
  /** Unique per message: arbitration's tie-breaker. */
  readonly actionID: string
  /**
   * On a modification only: its place among the invitation's modifications as the sending device
   * counts them (1, 2, …). A device's later modification always carries a larger one, so it wins
   * over its earlier one in the same server millisecond; absent (another client's), it counts as 0.
   */
  readonly seq?: number
  /**
   * On a group invite: `'inviter'` sends answers only to the inviter (and the answerer's own
   * devices) instead of the group; absent means Tencent's way, every member sees every answer.
   */
  readonly audience?: 'inviter'
}

/** A decoded envelope, with Tencent's defaults filled in. */
export interface Envelope {
  readonly businessID: 1
  readonly inviteID: string
  /** `''` for a 1:1 invitation. */
  readonly groupID: string
  readonly inviter: string
  readonly inviteeList: readonly string[]
  readonly data: string
  /** Seconds; 0 means no timeout. */
  readonly timeout: number
  readonly actionType: ActionType
  readonly onlineUserOnly: boolean
  readonly beckon?: BeckonExtension
}

// -------------------------------------------------------------------------------------------------
// Codec
// -------------------------------------------------------------------------------------------------

interface IdBrand {
  readonly Id: unique symbol
}
const Id = t.brand(t.string, (s): s is t.Branded<string, IdBrand> => s.length > 0 && s.length <= maxIdLength, 'Id')

interface SecondsBrand {
  readonly Seconds: unique symbol
}
const Seconds = t.brand(
  t.number,
  (n): n is t.Branded<number, SecondsBrand> => Number.isFinite(n) && n >= 0 && n <= maxTimeoutSeconds,
  'Seconds',
)

const ActionTypeCodec = t.union([t.literal(1), t.literal(2), t.literal(3), t.literal(4), t.literal(5)], 'ActionType')

const InviteeList = t.refinement(t.array(Id), (list) => list.length > 0, 'NonEmptyInviteeList')

interface SequenceBrand {
  readonly Sequence: unique symbol
}
const Sequence = t.brand(t.number, (n): n is t.Branded<number, SequenceBrand> => Number.isSafeInteger(n) && n >= 0, 'Sequence')

const BeckonExtensionCodec = t.intersection([t.type({ actionID: Id }), t.partial({ seq: Sequence, audience: t.literal('inviter') })], 'BeckonExtension')

/**
 * The extension with only the keys it has: a key present as `undefined` would break equality.
 * One literal per case rather than spreads: it is built for every message sent and received.
 */
const extensionOf = (e: { readonly actionID: string; readonly seq?: number | undefined; readonly audience?: 'inviter' | undefined }): BeckonExtension => {
  const { actionID, seq, audience } = e
  if (seq === undefined) return audience === undefined ? { actionID } : { actionID, audience }
  return audience === undefined ? { actionID, seq } : { actionID, seq, audience }
}

/** Lenient Tencent decoders read an explicit `null` for an optional key as the key being absent. */
const orNull = <C extends t.Mixed>(codec: C) => t.union([codec, t.null], `${codec.name} | null`)

/** The envelope as it travels, before defaults. */
const WireEnvelope = t.intersection(
  [
    t.type({
      businessID: t.literal(1),
      inviteID: Id,
      inviter: Id,
      inviteeList: InviteeList,
      actionType: ActionTypeCodec,
    }),
    t.partial({
      groupID: orNull(t.string),
      data: orNull(t.string),
      timeout: orNull(Seconds),
      onlineUserOnly: orNull(t.boolean),
      [extensionKey]: orNull(BeckonExtensionCodec),
    }),
  ],
  'Envelope',
)

/** What {@link WireEnvelope} accepts. */
export type WireEnvelope = t.TypeOf<typeof WireEnvelope>

/** The list without repeats, first occurrences kept; a fresh array either way. */
export const distinct = (list: readonly string[]): string[] => (hasRepeats(list) ? [...new Set(list)] : list.slice())

const withDefaults = (wire: WireEnvelope): Envelope => {
  const businessID = 1 as const
  const { inviteID, inviter, actionType } = wire
  const groupID = wire.groupID ?? ''
  const inviteeList = distinct(wire.inviteeList)
  const data = wire.data ?? ''
  const timeout = wire.timeout ?? 0
  const onlineUserOnly = wire.onlineUserOnly ?? false
  const extension = wire[extensionKey]
  // Two literals rather than a spread: one allocation per envelope, in the native key order.
  return extension == null
    ? { businessID, inviteID, groupID, inviter, inviteeList, data, timeout, actionType, onlineUserOnly }
    : { businessID, inviteID, groupID, inviter, inviteeList, data, timeout, actionType, onlineUserOnly, beckon: extensionOf(extension) }
}

/** The envelope codec: validates an already-parsed JSON value and fills in Tencent's defaults. */
export const Envelope = new t.Type<Envelope, Record<string, unknown>, unknown>(
  'Envelope',
  (u): u is Envelope => WireEnvelope.is(u),
  (u, c) => E.map(withDefaults)(WireEnvelope.validate(u, c)),
  (e) => {
    const { businessID, inviteID, groupID, inviter, inviteeList, data, timeout, actionType, onlineUserOnly, beckon } = e
    // Two literals rather than a spread: one object per message sent, in the native key order.
    return beckon === undefined
      ? { businessID, inviteID, groupID, inviter, inviteeList, data, timeout, actionType, onlineUserOnly }
      : { businessID, inviteID, groupID, inviter, inviteeList, data, timeout, actionType, onlineUserOnly, [extensionKey]: extensionOf(beckon) }
  },
)

// -------------------------------------------------------------------------------------------------
// Payload strings
// -------------------------------------------------------------------------------------------------

/** Why a payload is not a signaling envelope. */
export type DecodeFailure =
  | { readonly _tag: 'Oversized'; readonly detail: string }
  | { readonly _tag: 'NotJson'; readonly detail: string }
  | { readonly _tag: 'NotSignaling'; readonly detail: string }
  | { readonly _tag: 'Malformed'; readonly detail: string }

const describe = (errors: t.Errors): string =>
  errors
    .slice(0, 3)
    .map((error) => {
      const path = error.context
        .map((entry) => entry.key)
        .filter((key) => key !== '' && !/^\d+$/.test(key))
        .join('.')
      const expected = error.context[error.context.length - 1]?.type.name ?? 'a value'
      return `${path === '' ? 'envelope' : path}: expected ${expected}, got ${preview(error.value)}`
    })
    .join('; ')

/** A JSON object that carries no signaling keys at all is someone else's custom message. */
const looksLikeSignaling = (u: unknown): boolean =>
  typeof u === 'object' && u !== null && !Array.isArray(u) && ('actionType' in u || 'inviteID' in u)

/**
 * Decodes a custom message's payload. Never throws; the failure says why in words.
 *
 * @example
 * ```ts
 * decodeEnvelope('{"businessID":1,"inviteID":"x","inviter":"a","inviteeList":["b"],"actionType":3}')
 * // right({ ..., groupID: '', data: '', timeout: 0, onlineUserOnly: false })
 * ```
 */
export const decodeEnvelope = (payload: string): Either<DecodeFailure, Envelope> => {
  const decoded = decodePayload(payload)
  return isDecodeFailure(decoded) ? E.left(decoded) : E.right(decoded)
}

/** Whether {@link decodePayload} failed: an envelope never has a `_tag` (the guard admits none). */
export const isDecodeFailure = (decoded: Envelope | DecodeFailure): decoded is DecodeFailure => '_tag' in decoded

/**
 * {@link decodeEnvelope} without the `Either` around its answer, for the receive path: the
 * envelope, or why there is none. One object fewer per received message.
 */
export const decodePayload = (payload: string): Envelope | DecodeFailure => {
  if (typeof payload !== 'string') return { _tag: 'NotSignaling', detail: 'payload is not a string' }
  // A UTF-16 unit is at least one UTF-8 byte: a longer string is over every cap without a scan.
  if (payload.length > maxLargeEnvelopeBytes) return { _tag: 'Oversized', detail: `payload exceeds ${maxLargeEnvelopeBytes} bytes` }
  // Over Tencent's cap, only beckon's large-list extension (largeList.ts) may still decode.
  if (payload.length > maxEnvelopeBytes || exceedsBytes(payload, maxEnvelopeBytes)) return unwrapped(decodeLargeOnce(payload, decodeLargeList))
  // A short text as beckon writes it (`readNative`) nests 2 deep and has every key, none `null`:
  // what the guard accepts of it is the envelope its defaults would make, taken as it is, not
  // copied, unless its list names someone twice. A long one (kilobytes of data, an invite to
  // hundreds) the runtime's parser reads faster than the reader's expression matches it.
  const short = payload.length <= parsedFirst
  const native = short ? readNative(payload) : undefined
  if (native !== undefined && isWireEnvelope(native) && !hasRepeats(native.inviteeList)) return native as Envelope
  // Parsing JSON nested thousands deep costs ~0.2 µs a level; no envelope needs more than a few.
  // A payload of at most `parsedFirst` units nests at most half as deep, which parses in about
  // the time a valid 12 KB envelope takes: it is parsed first and scanned after.
  if (!short && nestsDeeperThan(payload, maxNesting)) return tooDeep(maxNesting)
  let json: unknown
  try {
    json = native ?? JSON.parse(payload)
  } catch (error) {
    return short && nestsDeeperThan(payload, maxNesting) ? tooDeep(maxNesting) : { _tag: 'NotJson', detail: error instanceof Error ? error.message : 'not JSON' }
  }
  if (short && nestsDeeperThan(payload, maxNesting)) return tooDeep(maxNesting)
  if (isWireEnvelope(json)) return withDefaults(json)
  const decoded = Envelope.decode(bounded(json))
  if (E.isRight(decoded)) return decoded.right
  return looksLikeSignaling(json) ? { _tag: 'Malformed', detail: describe(decoded.left) } : { _tag: 'NotSignaling', detail: describe(decoded.left) }
}

/** Payloads up to this length are read natively or parsed before their nesting is scanned (see {@link decodePayload}). */
const parsedFirst = 512

const unwrapped = (decoded: Either<DecodeFailure, Envelope>): Envelope | DecodeFailure => (E.isRight(decoded) ? decoded.right : decoded.left)

// -------------------------------------------------------------------------------------------------
// Where the guard hands over to the codec
// -------------------------------------------------------------------------------------------------

/** The keys an object codec names. */
const keysOf = (codec: t.Mixed): string[] => {
  if (codec instanceof t.IntersectionType) return (codec.types as t.Mixed[]).flatMap(keysOf)
  if (codec instanceof t.InterfaceType || codec instanceof t.PartialType) return Object.keys(codec.props as object)
  return []
}

const schemaKeys = keysOf(WireEnvelope)

/**
 * The keys the codec checks, of the envelope and of its extension. The guard checks them all (a
 * law of `guard.test.ts`), so its yes needs no second look by the codec.
 */
export const codecKeys = (): { readonly envelope: string[]; readonly extension: string[] } => ({ envelope: schemaKeys, extension: keysOf(BeckonExtensionCodec) })

/**
 * What the codec needs to see of `json` to decide and explain: only the keys it reads, and of an
 * invitee list with bad entries only the first three of those (the explanation names three). The
 * codec gives the same verdict on it, at a cost bounded whatever the payload holds.
 */
const bounded = (json: unknown): unknown => {
  if (!isRecord(json)) return json
  const copy: Record<string, unknown> = {}
  for (const key of schemaKeys) if (key in json) copy[key] = json[key]
  const list = json.inviteeList
  if (Array.isArray(list) && list.length > 3) {
    const bad = list.filter((entry) => !isId(entry))
    if (bad.length > 0) copy.inviteeList = bad.slice(0, 3)
  }
  return copy
}

const tooDeep = (limit: number): DecodeFailure => ({ _tag: 'Malformed', detail: `nested more than ${limit} deep` })

const decodeLargeList = (payload: string): Either<DecodeFailure, Envelope> => {
  const bytes = payload.length > maxLargeEnvelopeBytes ? payload.length : utf8Length(payload)
  // The wrapper adds one level to the envelope's own nesting.
  if (bytes <= maxLargeEnvelopeBytes && payload.includes(`"${largeListKey}"`) && nestsDeeperThan(payload, maxNesting + 1)) return E.left(tooDeep(maxNesting + 1))
  const unwrapped = unwrapLargeList(payload, bytes, maxEnvelopeBytes)
  if (!unwrapped.ok) return E.left({ _tag: unwrapped.tag, detail: unwrapped.detail })
  return E.mapLeft((errors: t.Errors): DecodeFailure => ({ _tag: 'Malformed', detail: describe(errors) }))(Envelope.decode(unwrapped.value))
}

/**
 * The payload {@link written} joins, in pieces: the text between the values, and in the odd places
 * the values of the message being written. `JSON.stringify` builds its text in parts joined as a
 * rope, which the receiver's first read copies into one string again: about 820 bytes allocated
 * per 1:1 invite, where a join makes the string at once (about 470 with the copy of the pieces it
 * makes), in about half the time.
 */
const pieces = ['{"businessID":1,"inviteID":"', '', '","groupID":"', '', '","inviter":"', '', '","inviteeList":["', '', '"],"data":"', '', '","timeout":', '', ',"actionType":', '', ',"onlineUserOnly":', '']
/** What JSON writes escaped, and lone surrogates (which it escapes; a pair it does not). */
const escaped = /["\\\u0000-\u001f\ud800-\udfff]/
/** A string as JSON writes it between its quotes. */
const text = (s: string): string => (escaped.test(s) ? JSON.stringify(s).slice(1, -1) : s)

/**
 * `JSON.stringify(Envelope.encode(e))` written into {@link pieces}; `undefined` for what that
 * writes instead: a list of other than one invitee (a group invite's), the extension's rare keys
 * (a modification's `seq`, a group invite's `audience`), and a timeout JSON writes as `null`.
 */
const written = (e: Envelope): string | undefined => {
  const { inviteeList, beckon } = e
  if (e.businessID !== 1 || !Number.isFinite(e.timeout) || inviteeList.length !== 1 || beckon?.seq !== undefined || beckon?.audience !== undefined) return undefined
  pieces[1] = text(e.inviteID)
  pieces[3] = text(e.groupID)
  pieces[5] = text(e.inviter)
  pieces[7] = text(inviteeList[0]!)
  pieces[9] = text(e.data)
  pieces[11] = String(e.timeout)
  pieces[13] = String(e.actionType)
  pieces[15] = String(e.onlineUserOnly)
  if (beckon === undefined) pieces[16] = '}'
  else {
    pieces[16] = `,"${extensionKey}":{"actionID":"`
    pieces[17] = text(beckon.actionID)
    pieces[18] = '"}}'
  }
  pieces.length = beckon === undefined ? 17 : 19
  return pieces.join('')
}

/**
 * Encodes an envelope as the payload string, every key present, in the native SDKs' order; one
 * over 12 KB is wrapped in beckon's large-list extension (largeList.ts), which Tencent clients ignore.
 */
export const encodeEnvelope = (envelope: Envelope): string => {
  const json = written(envelope) ?? JSON.stringify(Envelope.encode(envelope))
  return json.length * 3 > maxEnvelopeBytes && utf8Length(json) > maxEnvelopeBytes ? wrapLargeList(json) : json
}
