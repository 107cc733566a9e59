import { fc, test } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { decodeEnvelope, maxEnvelopeBytes, maxNesting } from '@beckon/core'
import { exceedsBytes, nestsDeeperThan, preview, utf8Length } from '../../src/wire/payload.js'

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
