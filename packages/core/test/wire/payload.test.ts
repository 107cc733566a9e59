import { fc, test } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { decodeEnvelope, maxEnvelopeBytes, maxNesting } from '@beckon/core'
import { exceedsBytes, nestsDeeperThan, preview, readNative, utf8Length } from '../../src/wire/payload.js'

/** How deep a JSON value nests arrays and objects (a scalar: 0). */
const depthOf = (value: unknown): number =>
  typeof value === 'object' && value !== null ? 1 + Math.max(0, ...Object.values(value).map(depthOf)) : 0

const nested = (depth: number, inner: unknown = 1): unknown => (depth === 0 ? inner : [nested(depth - 1, inner)])

describe('payload scans', () => {
  test.prop([fc.jsonValue(), fc.nat({ max: 6 })])('nesting: the scan sees the depth a parser sees, strings and escapes included', (value, limit) => {
    expect(nestsDeeperThan(JSON.stringify(value), limit)).toBe(depthOf(value) > limit)
  })

  test.prop([fc.string({ unit: 'binary' }), fc.nat({ max: 64 })])('byte count: the quick answer is the full count’s answer', (s, maxBytes) => {
    expect(exceedsBytes(s, maxBytes)).toBe(utf8Length(s) > maxBytes)
  })

  test.prop([fc.jsonValue()])('preview: the first 57 characters of the JSON text, and a mark when cut', (value) => {
    const text = JSON.stringify(value)
    expect(preview(value)).toBe(text.length > 60 ? `${text.slice(0, 57)}...` : text)
  })
})

describe('decodeEnvelope on nesting', () => {
  const envelopeWith = (extra: unknown): string =>
    JSON.stringify({ businessID: 1, inviteID: 'x', inviter: 'a', inviteeList: ['b'], actionType: 3, extra })

  it(`decodes an envelope nesting ${maxNesting} deep`, () => {
    expect(E.isRight(decodeEnvelope(envelopeWith(nested(maxNesting - 1))))).toBe(true)
  })

  it(`never decodes a payload nesting deeper than ${maxNesting}, and says so`, () => {
    expect(decodeEnvelope(envelopeWith(nested(maxNesting)))).toEqual(E.left({ _tag: 'Malformed', detail: `nested more than ${maxNesting} deep` }))
  })

  it('turns down 12 KB of nesting, whatever key holds it', () => {
    const deep = '['.repeat(maxEnvelopeBytes / 2) + ']'.repeat(maxEnvelopeBytes / 2)
    for (const payload of [deep, `{"data":${deep.slice(100)}}`, `{"inviteeList":${deep.slice(100)}}`, '{'.repeat(maxEnvelopeBytes)]) {
      expect(decodeEnvelope(payload)).toMatchObject(E.left({ _tag: 'Malformed' }))
    }
  })
})

describe('reading what beckon writes', () => {
  const parsed = (text: string): unknown => {
    try {
      return JSON.parse(text) as unknown
    } catch {
      return undefined
    }
  }

  /** A string value as JSON writes it, or raw as no encoder would (a quote, a backslash, a control character inside). */
  const stringText = fc.oneof(
    fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.uuid(), fc.constantFrom('', 'x'.repeat(12), 'x'.repeat(13), 'inviter', '{"room_id":42}')).map((s) => JSON.stringify(s)),
    fc.string({ maxLength: 16 }).map((s) => `"${s}"`),
  )
  /** A number as JSON writes it, or a near miss (leading zeros, a sign, too many digits, not a number). */
  const numberText = fc.oneof(
    fc.oneof(fc.nat(), fc.constantFrom(0, 1, 3, 5, 30, 2 ** 31, 10 ** 14, 10 ** 15 - 1, 10 ** 15, Number.MAX_SAFE_INTEGER, 0.5, 1e21)).map(String),
    fc.constantFrom('00', '01', '-0', '-1', '1.', '1.0', '1e2', '+1', '', 'null', 'true', '"1"', '1 ', '0x1', '1234567890123456'),
  )
  const booleanText = fc.constantFrom('true', 'false', 'null', '0', 'True', '"true"', 'tru', 'falsey')
  /** A text in the layout beckon writes, with the values given as JSON text (or as no encoder would write them). */
  const layout = (string: fc.Arbitrary<string>, data: fc.Arbitrary<string>, number: fc.Arbitrary<string>, boolean: fc.Arbitrary<string>): fc.Arbitrary<string> =>
    fc
      .record({
        inviteID: string,
        groupID: string,
        inviter: string,
        inviteeList: fc.array(string, { minLength: 1, maxLength: 4 }),
        data,
        timeout: number,
        actionType: number,
        onlineUserOnly: boolean,
        beckon: fc.option(fc.record({ actionID: string, seq: fc.option(number, { nil: undefined }), audience: fc.option(string, { nil: undefined }) }), { nil: undefined }),
      })
      .map((r) => {
        const extension = r.beckon === undefined ? '' : `,"beckon":{"actionID":${r.beckon.actionID}${r.beckon.seq === undefined ? '' : `,"seq":${r.beckon.seq}`}${r.beckon.audience === undefined ? '' : `,"audience":${r.beckon.audience}`}}`
        return `{"businessID":1,"inviteID":${r.inviteID},"groupID":${r.groupID},"inviter":${r.inviter},"inviteeList":[${r.inviteeList.join(',')}],"data":${r.data},"timeout":${r.timeout},"actionType":${r.actionType},"onlineUserOnly":${r.onlineUserOnly}${extension}}`
      })
  /** Each value drawn from the above: valid JSON or not, a valid envelope or not. */
  const layoutText = layout(stringText, stringText, numberText, booleanText)
  /** Valid JSON, strings but `data` without escapes, numbers as digits alone (at most 15, no leading zero). */
  const plainString = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.uuid()).filter((s) => JSON.stringify(s) === `"${s}"`).map((s) => `"${s}"`)
  const plainLayout = layout(
    plainString,
    stringText.filter((t) => parsed(t) !== undefined),
    fc.oneof(fc.nat(), fc.constantFrom(0, 10 ** 15 - 1)).map(String),
    fc.constantFrom('true', 'false'),
  )
  /** One edit of a text: something inserted, removed or replaced somewhere. */
  const edit = fc.tuple(
    fc.nat(),
    fc.nat({ max: 3 }),
    fc.constantFrom('', '"', '\\', '\\"', '\\u0041', '\\x', ',', ':', '{', '}', '[', ']', ' ', '\n', '\u0000', '\u001f', '0', '9', '-', '.', 'e5', 'null', 'é', '\ud800', ',"seq":1', ',"x":1', '"beckon":null'),
  )
  const edited = fc.tuple(layoutText, fc.array(edit, { minLength: 1, maxLength: 3 })).map(([text, edits]) =>
    edits.reduce((t, [at, remove, insert]) => {
      const i = at % (t.length + 1)
      return t.slice(0, i) + insert + t.slice(i + remove)
    }, text),
  )

  // Law: the native reader is JSON.parse on the texts it reads (the same value, keys in the same
  // order), and reads nothing JSON.parse turns down; any other text is left to JSON.parse.
  test.prop([fc.oneof(layoutText, edited)], { numRuns: 5000 })('readNative gives what JSON.parse gives, key for key and in order, or leaves the text to it', (text) => {
    const read = readNative(text)
    if (read === undefined) return
    const json = parsed(text)
    expect(json).toStrictEqual(read)
    expect(JSON.stringify(read)).toBe(JSON.stringify(json))
  })

  /**
   * A few values, some the start of another (short and long, with escapes or not): texts made of
   * them repeat the value a place held in the text before, or start the same and go on, or stop short.
   */
  const sharedValues = ['', 'a', 'ab', 'abc', 'x'.repeat(12), 'x'.repeat(13), 'x'.repeat(14), '9b2f6c1e-0d4a-4c5e-9a7b-000000000001', '9b2f6c1e-0d4a-4c5e-9a7b-0000000000012', '{"room_id":42}', '{"room_id":4}', 'a\\', 'a\\"', '"', 'é']
  const sharedText = fc.oneof(fc.constantFrom(...sharedValues).map((s) => JSON.stringify(s)), fc.constantFrom('"a\\"', '"a\\\\"', '"abc'))
  const sharedLayout = layout(sharedText, sharedText, fc.constantFrom('0', '30'), fc.constantFrom('true', 'false'))

  // Law: what the reader read before never changes what it reads now: each text of a sequence
  // whose texts share values (as the answers to one invitation share its id, group, inviter and
  // data) is read as JSON.parse reads it, or left to it.
  test.prop([fc.array(sharedLayout, { minLength: 2, maxLength: 8 })], { numRuns: 1000 })('reads each of a sequence of texts sharing values as JSON.parse reads it, whatever it read before', (texts) => {
    for (const text of texts) {
      const read = readNative(text)
      if (read === undefined) continue
      expect(read).toStrictEqual(parsed(text))
    }
  })

  // Law: a text in the layout, valid JSON, strings but `data` without escapes and numbers as digits, is read natively.
  test.prop([plainLayout], { numRuns: 2000 })('reads every text in the layout whose strings but data have no escape and whose numbers are digits', (text) => {
    expect(readNative(text)).toStrictEqual(JSON.parse(text))
  })
})
