import { fc, test } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { ActionType, decodeEnvelope, encodeEnvelope, Envelope, extensionKey, maxEnvelopeBytes, maxTimeoutSeconds } from '@beckon/core'
import { guardedExtensionKeys, guardedKeys, isWireEnvelope } from '../../src/wire/guard.js'
import { readNative } from '../../src/wire/payload.js'
import { codecKeys } from '../../src/wire/envelope.js'

// -------------------------------------------------------------------------------------------------
// Envelopes as they travel, and near misses of them
// -------------------------------------------------------------------------------------------------

type Json = Record<string, unknown>

const unicode = fc.string({ unit: 'binary', minLength: 1, maxLength: 12 })
const id = fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.uuid(), fc.stringMatching(/^[0-9a-f]{32}$/), unicode)
const longID = fc.constantFrom(255, 256, 257, 300).map((n) => 'i'.repeat(n))

/** A valid envelope as another client might write it: optional keys missing or null, keys in any order. */
const wire: fc.Arbitrary<Json> = fc
  .record(
    {
      businessID: fc.constant(1),
      inviteID: id,
      inviter: id,
      inviteeList: fc.array(id, { minLength: 1, maxLength: 6 }),
      actionType: fc.constantFrom(...Object.values(ActionType)),
      groupID: fc.oneof(fc.constant(''), id, fc.constant(null)),
      data: fc.oneof(fc.string({ maxLength: 80 }), unicode, fc.constant(null)),
      timeout: fc.oneof(fc.nat({ max: 3600 }), fc.constantFrom(0, 0.5, maxTimeoutSeconds, null)),
      onlineUserOnly: fc.oneof(fc.boolean(), fc.constant(null)),
      [extensionKey]: fc.oneof(fc.record({ actionID: id, seq: fc.oneof(fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER)), audience: fc.constant('inviter') }, { requiredKeys: ['actionID'] }), fc.constant(null)),
      extra: fc.jsonValue({ maxDepth: 3 }),
    },
    { requiredKeys: ['businessID', 'inviteID', 'inviter', 'inviteeList', 'actionType'] },
  )
  .chain((record: Json) => fc.shuffledSubarray(Object.keys(record), { minLength: Object.keys(record).length }).map((order) => Object.fromEntries(order.map((k) => [k, record[k]]))))

/** Values that are wrong somewhere, or right only at an edge. */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(null, '', 0, -0, -1, 1, 5, 6, 1.5, -0.5, maxTimeoutSeconds, maxTimeoutSeconds + 1, 2 ** 53, 1e308, -1e308, true, false, [], {}, [''], ['a', 'a'], { actionID: '' }),
  longID,
  unicode,
  fc.array(fc.oneof(id, fc.jsonValue({ maxDepth: 1 })), { maxLength: 4 }),
  fc.array(id, { minLength: 200, maxLength: 600 }),
  fc.record({ actionID: fc.oneof(id, longID, fc.jsonValue({ maxDepth: 1 })) }, { requiredKeys: [] }),
)

const keys = ['businessID', 'inviteID', 'inviter', 'inviteeList', 'actionType', 'groupID', 'data', 'timeout', 'onlineUserOnly', extensionKey, 'extra']

/** One change to a valid envelope: a key set to an odd value, a key removed, an invitee replaced or repeated. */
const nudge: fc.Arbitrary<(json: Json) => unknown> = fc.oneof(
  fc.tuple(fc.constantFrom(...keys), oddValue).map(([key, value]) => (json: Json) => ({ ...json, [key]: value })),
  fc.constantFrom(...keys).map((key) => (json: Json) => Object.fromEntries(Object.entries(json).filter(([k]) => k !== key))),
  fc.tuple(fc.nat(), oddValue).map(([at, value]) => (json: Json) => {
    const list = Array.isArray(json.inviteeList) ? [...(json.inviteeList as unknown[])] : []
    list[at % (list.length + 1)] = value
    return { ...json, inviteeList: list }
  }),
  fc.nat().map((at) => (json: Json) => {
    const list = Array.isArray(json.inviteeList) ? (json.inviteeList as unknown[]) : ['x']
    return { ...json, inviteeList: [...list, list[at % list.length]] }
  }),
  fc.tuple(fc.constantFrom('actionID', 'seq', 'audience', 'other'), oddValue).map(([key, value]) => (json: Json) => ({ ...json, [extensionKey]: { ...(json[extensionKey] as object), [key]: value } })),
  fc.constantFrom(-1, -0, 0.5, 2 ** 53, Number.MAX_SAFE_INTEGER, '1', null, true).map((seq) => (json: Json) => ({ ...json, [extensionKey]: { actionID: 'a', seq } })),
  fc.constantFrom('inviter', 'all', 'Inviter', '', null, 1).map((audience) => (json: Json) => ({ ...json, [extensionKey]: { actionID: 'a', audience } })),
  oddValue.map((value) => () => value),
)

/** As a parser hands it over: only what JSON carries. */
const asJson = (u: unknown): unknown => JSON.parse(JSON.stringify(u) ?? 'null') as unknown

const candidate: fc.Arbitrary<unknown> = fc.oneof(
  wire.map(asJson),
  fc
    .tuple(wire, fc.array(nudge, { minLength: 1, maxLength: 3 }))
    .map(([json, nudges]) => asJson(nudges.reduce<unknown>((u, f) => (typeof u === 'object' && u !== null && !Array.isArray(u) ? f(u as Json) : u), json))),
)

/** Valid envelopes as the codec makes them. */
const decoded: fc.Arbitrary<Envelope> = wire.map(asJson).map((u) => Envelope.decode(u)).filter(E.isRight).map((right) => right.right)

/**
 * Envelopes as an app might hand them to `encodeEnvelope`: the codec's, or the same with keys in
 * another order, an extension key or an extra key more, `undefined` values, or another prototype.
 */
const envelopeLike: fc.Arbitrary<Envelope> = fc
  .tuple(
    decoded,
    fc.boolean(),
    fc.constantFrom(undefined, 'seq', 'audience', 'other'),
    fc.constantFrom(undefined, 'extra', 'serverTime', 'note'),
    fc.constantFrom('plain', 'undefined extension', 'class'),
  )
  .map(([envelope, shuffle, extensionExtra, extra, shape]) => {
    const entries = Object.entries(envelope)
    if (shuffle) entries.reverse()
    let out: Record<string, unknown> = Object.fromEntries(entries)
    if (extensionExtra !== undefined && envelope.beckon !== undefined) out[extensionKey] = { ...envelope.beckon, [extensionExtra]: extensionExtra === 'seq' ? 7 : undefined }
    if (extra !== undefined) out[extra] = 1
    if (shape === 'undefined extension' && envelope.beckon === undefined) out[extensionKey] = undefined
    if (shape === 'class') out = Object.assign(Object.create({ inherited: true }) as object, out)
    return out as unknown as Envelope
  })

/** What beckon writes, parsed, then sometimes nudged: the values the uncopied road must judge. */
const nearNative: fc.Arbitrary<unknown> = fc
  .tuple(decoded, fc.array(nudge, { maxLength: 2 }))
  .map(([envelope, nudges]) => asJson(nudges.reduce<unknown>((u, f) => (typeof u === 'object' && u !== null && !Array.isArray(u) ? f(u as Json) : u), JSON.parse(encodeEnvelope(envelope)))))

// -------------------------------------------------------------------------------------------------
// Laws
// -------------------------------------------------------------------------------------------------

describe('the one-pass guard and the io-ts codec', () => {
  // Law: every key the codec checks, of the envelope and of its extension, the guard checks too;
  // so a value the guard accepts is one the codec accepts, without a second look at other keys.
  it('the guard checks every key the codec checks', () => {
    const { envelope, extension } = codecKeys()
    expect(envelope.filter((key) => !guardedKeys.includes(key))).toEqual([])
    expect(extension.filter((key) => !guardedExtensionKeys.includes(key))).toEqual([])
  })

  test.prop([candidate], { numRuns: 3000 })('agreement: the guard accepts a JSON value exactly when the codec does', (u) => {
    expect(isWireEnvelope(u)).toBe(E.isRight(Envelope.decode(u)))
  })

  test.prop([candidate], { numRuns: 3000 })(
    'agreement: within 12 KB, decoding the text gives what the codec gives for the parsed value (the same envelope, or a failure)',
    (u) => {
      const text = JSON.stringify(u)
      fc.pre(text.length <= maxEnvelopeBytes / 3)
      const decoded = decodeEnvelope(text)
      const codec = Envelope.decode(JSON.parse(text))
      if (E.isRight(codec)) expect(decoded).toEqual(codec)
      else expect(E.isLeft(decoded)).toBe(true)
    },
  )

  test.prop([candidate])('a payload within 12 KB that fails says why: which key, what was expected, what came', (u) => {
    const text = JSON.stringify(u)
    fc.pre(text.length <= maxEnvelopeBytes / 3)
    const decoded = decodeEnvelope(text)
    fc.pre(E.isLeft(decoded))
    expect(decoded.left.detail).toMatch(/: expected .+, got /)
  })

  test.prop([nearNative], { numRuns: 3000 })(
    'a text read as beckon writes it and taken as the envelope uncopied is the envelope the codec makes, key for key and in the same order',
    (u) => {
      const text = JSON.stringify(u)
      const read = readNative(text)
      fc.pre(read !== undefined && isWireEnvelope(read))
      const codec = Envelope.decode(JSON.parse(text))
      expect(E.isRight(codec)).toBe(true)
      const decoded = decodeEnvelope(text)
      expect(decoded).toEqual(codec)
      if (E.isRight(codec) && E.isRight(decoded)) expect(JSON.stringify(decoded.right)).toBe(JSON.stringify(codec.right))
    },
  )

  test.prop([envelopeLike], { numRuns: 3000 })(
    'encoding writes what the codec encodes, whatever the key order, extra keys or prototype of the envelope',
    (envelope) => {
      expect(encodeEnvelope(envelope)).toBe(JSON.stringify(Envelope.encode(envelope)))
    },
  )

  test.prop([decoded, fc.uniqueArray(id, { minLength: 1, maxLength: 20 })], { numRuns: 1000 })(
    'encoding writes what the codec encodes for invitee lists of every length, below and past those it writes piece by piece',
    (envelope, inviteeList) => {
      const withList = { ...envelope, inviteeList }
      expect(encodeEnvelope(withList)).toBe(JSON.stringify(Envelope.encode(withList)))
    },
  )

  test.prop([decoded], { numRuns: 1000 })(
    'every envelope beckon writes (within 12 KB) is taken uncopied: the fast road is the one its own messages take',
    (envelope) => {
      const text = encodeEnvelope(envelope)
      fc.pre(text.length <= maxEnvelopeBytes / 3)
      fc.pre(readNative(text) !== undefined)
      expect(decodeEnvelope(text)).toEqual(E.right(envelope))
    },
  )
})
