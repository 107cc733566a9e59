import { readFileSync } from 'node:fs'
import { fc, test } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { ActionType, decodeEnvelope, encodeEnvelope, Envelope, maxEnvelopeBytes } from '@beckon/core'

interface Vector {
  readonly name: string
  readonly payload: string
  readonly expect: ({ readonly signaling: true } & Record<string, unknown>) | { readonly signaling: false; readonly why: string }
}

const vectors = (JSON.parse(readFileSync(new URL('../../../../test/vectors/tencent-envelopes.json', import.meta.url), 'utf8')) as { vectors: Vector[] }).vectors

const id = fc.string({ minLength: 1, maxLength: 40 })
const envelope: fc.Arbitrary<Envelope> = fc
  .record({
    inviteID: fc.oneof(fc.uuid(), fc.stringMatching(/^[0-9a-f]{32}$/)),
    groupID: fc.oneof(fc.constant(''), id),
    inviter: id,
    inviteeList: fc.uniqueArray(id, { minLength: 1, maxLength: 5 }),
    data: fc.string({ maxLength: 200 }),
    timeout: fc.nat({ max: 3600 }),
    actionType: fc.constantFrom(...Object.values(ActionType)),
    onlineUserOnly: fc.boolean(),
    beckon: fc.option(fc.record({ actionID: id, seq: fc.nat(), audience: fc.constant('inviter' as const) }, { requiredKeys: ['actionID'] }), { nil: undefined }),
  })
  .map(({ beckon, ...rest }) => (beckon === undefined ? { businessID: 1 as const, ...rest } : { businessID: 1 as const, ...rest, beckon }))

describe('decodeEnvelope on what Tencent clients send', () => {
  for (const vector of vectors) {
    it(`${vector.name}: ${vector.expect.signaling ? 'decodes as stated' : 'is not signaling'}`, () => {
      const decoded = decodeEnvelope(vector.payload)
      if (!vector.expect.signaling) return expect(E.isLeft(decoded)).toBe(true)
      const { signaling: _signaling, ...expected } = vector.expect
      expect(decoded).toEqual(E.right({ businessID: 1, ...expected }))
    })
  }
})

describe('encodeEnvelope', () => {
  test.prop([envelope])('round trip: decoding what was encoded gives the envelope back', (e) => {
    expect(decodeEnvelope(encodeEnvelope(e))).toEqual(E.right(e))
  })

  test.prop([envelope])('writes every key Tencent’s native and Web SDKs read, native key order first', (e) => {
    const keys = Object.keys(JSON.parse(encodeEnvelope(e)) as object)
    expect(keys.slice(0, 9)).toEqual(['businessID', 'inviteID', 'groupID', 'inviter', 'inviteeList', 'data', 'timeout', 'actionType', 'onlineUserOnly'])
  })
})

describe('decodeEnvelope on explicit nulls', () => {
  const optionalKeys = ['groupID', 'data', 'timeout', 'onlineUserOnly', 'beckon'] as const

  test.prop([envelope, fc.subarray([...optionalKeys], { minLength: 1 })])(
    'a null optional key reads as the key being absent, as lenient Tencent decoders read it',
    (e, keys) => {
      const wire = JSON.parse(encodeEnvelope(e)) as Record<string, unknown>
      for (const key of keys) wire[key] = null
      const absent = JSON.parse(encodeEnvelope(e)) as Record<string, unknown>
      for (const key of keys) delete absent[key]
      expect(decodeEnvelope(JSON.stringify(wire))).toEqual(decodeEnvelope(JSON.stringify(absent)))
      expect(E.isRight(decodeEnvelope(JSON.stringify(wire)))).toBe(true)
    },
  )

  it('a null required key is still malformed', () => {
    const decoded = decodeEnvelope('{"businessID":1,"inviteID":"x","inviter":null,"inviteeList":["b"],"actionType":3}')
    expect(decoded).toMatchObject(E.left({ _tag: 'Malformed' }))
  })
})

describe('decodeEnvelope on anything', () => {
  test.prop([fc.string()])('totality: never throws on any string', (s) => {
    expect(() => decodeEnvelope(s)).not.toThrow()
  })

  test.prop([fc.json()])('totality: never throws on any JSON', (s) => {
    expect(() => decodeEnvelope(s)).not.toThrow()
  })

  test.prop([envelope, fc.constantFrom('inviteID', 'inviter', 'inviteeList', 'actionType', 'businessID'), fc.anything()])(
    'rejects an envelope whose required key has a wrong type, and says which key',
    (e, key, value) => {
      const wire = JSON.parse(encodeEnvelope(e)) as Record<string, unknown>
      wire[key] = value
      const decoded = decodeEnvelope(JSON.stringify(wire))
      fc.pre(E.isLeft(decoded))
      expect(decoded.left.detail.length).toBeGreaterThan(0)
    },
  )

  it('never decodes a Tencent envelope over 12 KB', () => {
    const e: Envelope = { businessID: 1, inviteID: 'x', groupID: '', inviter: 'a', inviteeList: ['b'], data: 'é'.repeat(maxEnvelopeBytes / 2), timeout: 0, actionType: 1, onlineUserOnly: false }
    expect(decodeEnvelope(JSON.stringify(Envelope.encode(e)))).toMatchObject(E.left({ _tag: 'Oversized' }))
  })

  it('explains a bad field in words', () => {
    const decoded = decodeEnvelope('{"businessID":1,"inviteID":"x","inviter":"a","inviteeList":["b"],"actionType":9}')
    expect(decoded).toMatchObject(E.left({ _tag: 'Malformed' }))
    if (E.isLeft(decoded)) expect(decoded.left.detail).toMatch(/actionType: expected .*got 9/)
  })
})
