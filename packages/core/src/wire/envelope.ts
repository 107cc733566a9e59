/**
 * Tencent's signaling envelope: the JSON payload of the IM custom message that carries every
 * signaling action (SPEC §4). Decoding accepts what Tencent's native and Web SDKs send (any key
 * order, `groupID` / `onlineUserOnly` / `data` / `timeout` missing, md5-hex or UUID invite ids);
 * encoding writes every key, in the native SDKs' order, so both conventions read it.
 *
 * Laws (checked in `envelope.test.ts`):
 * - round trip: for every valid `e`, `decodeEnvelope(encodeEnvelope(e))` is `right(e)`;
 * - totality: `decodeEnvelope(s)` returns (never throws) for every string `s`;
 * - size: a payload over {@link maxEnvelopeBytes} decodes only as beckon's large-list extension
 *   (`largeList.ts`), and never over its own cap.
 *
 * @module
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as t from 'io-ts'
import { decodeLargeOnce, maxLargeEnvelopeBytes, unwrapLargeList, wrapLargeList } from './largeList.js'

// -------------------------------------------------------------------------------------------------
// Model
// -------------------------------------------------------------------------------------------------

/** The five signaling actions. *(Tencent)* */
export const ActionType = { invite: 1, cancel: 2, accept: 3, reject: 4, timeout: 5 } as const
export type ActionType = (typeof ActionType)[keyof typeof ActionType]

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

/** The key beckon's extension travels under. */
export const extensionKey = 'beckon'

/** Tencent caps a signaling message at 12 KB. */
export const maxEnvelopeBytes = 12 * 1024

const maxIdLength = 256

/** The longest timeout the wire carries: deadlines in ms must stay within a 32-bit timer's range. */
export const maxTimeoutSeconds = 2_147_483

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

/** The extension with only the keys it has: a key present as `undefined` would break equality. */
const extensionOf = (e: { readonly actionID: string; readonly seq?: number | undefined; readonly audience?: 'inviter' | undefined }): BeckonExtension => ({
  actionID: e.actionID,
  ...(e.seq === undefined ? {} : { seq: e.seq }),
  ...(e.audience === undefined ? {} : { audience: e.audience }),
})

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
      groupID: t.string,
      data: t.string,
      timeout: Seconds,
      onlineUserOnly: t.boolean,
      [extensionKey]: BeckonExtensionCodec,
    }),
  ],
  'Envelope',
)

const withDefaults = (wire: t.TypeOf<typeof WireEnvelope>): Envelope => {
  const base = {
    businessID: 1 as const,
    inviteID: wire.inviteID,
    groupID: wire.groupID ?? '',
    inviter: wire.inviter,
    inviteeList: [...new Set<string>(wire.inviteeList)],
    data: wire.data ?? '',
    timeout: wire.timeout ?? 0,
    actionType: wire.actionType,
    onlineUserOnly: wire.onlineUserOnly ?? false,
  }
  const extension = wire[extensionKey]
  if (extension === undefined) return base
  return { ...base, beckon: extensionOf(extension) }
}

/** The envelope codec: validates an already-parsed JSON value and fills in Tencent's defaults. */
export const Envelope = new t.Type<Envelope, Record<string, unknown>, unknown>(
  'Envelope',
  (u): u is Envelope => WireEnvelope.is(u),
  (u, c) => pipe(WireEnvelope.validate(u, c), E.map(withDefaults)),
  (e) => ({
    businessID: e.businessID,
    inviteID: e.inviteID,
    groupID: e.groupID,
    inviter: e.inviter,
    inviteeList: e.inviteeList,
    data: e.data,
    timeout: e.timeout,
    actionType: e.actionType,
    onlineUserOnly: e.onlineUserOnly,
    ...(e.beckon === undefined ? {} : { [extensionKey]: extensionOf(e.beckon) }),
  }),
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

/** A short look at a value for an error message; never throws (deeply nested JSON overflows stringify). */
const preview = (value: unknown): string => {
  try {
    const text = JSON.stringify(value) ?? 'undefined'
    return text.length > 60 ? `${text.slice(0, 57)}...` : text
  } catch {
    return Array.isArray(value) ? 'a deeply nested array' : typeof value
  }
}

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

const parseJson = (payload: string): E.Either<DecodeFailure, unknown> => {
  try {
    return E.right(JSON.parse(payload) as unknown)
  } catch (error) {
    return E.left({ _tag: 'NotJson', detail: error instanceof Error ? error.message : 'not JSON' })
  }
}

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
export const decodeEnvelope = (payload: string): E.Either<DecodeFailure, Envelope> => {
  try {
    return decodePayload(payload)
  } catch (error) {
    // io-ts recurses into what it is given: JSON nested thousands deep (12 KB allows it) can
    // exhaust the stack. Nothing valid is nested that deep.
    return E.left({ _tag: 'Malformed', detail: error instanceof RangeError ? 'nested too deeply' : 'undecodable' })
  }
}

const decodePayload = (payload: string): E.Either<DecodeFailure, Envelope> => {
  if (typeof payload !== 'string') return E.left({ _tag: 'NotSignaling', detail: 'payload is not a string' })
  const bytes = payload.length > maxEnvelopeBytes ? maxEnvelopeBytes + 1 : utf8Length(payload)
  // Over Tencent's cap, only beckon's large-list extension (largeList.ts) may still decode.
  if (bytes > maxEnvelopeBytes) return decodeLargeOnce(payload, decodeLargeList)
  return pipe(
    parseJson(payload),
    E.chain((json) =>
      pipe(
        Envelope.decode(json),
        E.mapLeft((errors): DecodeFailure =>
          looksLikeSignaling(json)
            ? { _tag: 'Malformed', detail: describe(errors) }
            : { _tag: 'NotSignaling', detail: describe(errors) },
        ),
      ),
    ),
  )
}

const decodeLargeList = (payload: string): E.Either<DecodeFailure, Envelope> => {
  // A UTF-16 unit is at least one UTF-8 byte: a longer string is over the cap without a scan.
  const bytes = payload.length > maxLargeEnvelopeBytes ? payload.length : utf8Length(payload)
  const unwrapped = unwrapLargeList(payload, bytes, maxEnvelopeBytes)
  if (!unwrapped.ok) return E.left({ _tag: unwrapped.tag, detail: unwrapped.detail })
  return pipe(
    Envelope.decode(unwrapped.value),
    E.mapLeft((errors): DecodeFailure => ({ _tag: 'Malformed', detail: describe(errors) })),
  )
}

/**
 * Encodes an envelope as the payload string, every key present, in the native SDKs' order; one
 * over 12 KB is wrapped in beckon's large-list extension (largeList.ts), which Tencent clients ignore.
 */
export const encodeEnvelope = (envelope: Envelope): string => {
  const json = JSON.stringify(Envelope.encode(envelope))
  return json.length * 3 > maxEnvelopeBytes && utf8Length(json) > maxEnvelopeBytes ? wrapLargeList(json) : json
}
