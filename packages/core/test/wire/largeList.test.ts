import { fc, test } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { decodeEnvelope, encodeEnvelope, largeListKey, maxEnvelopeBytes, maxLargeEnvelopeBytes, type Envelope } from '@beckon/core'

const uuid = (i: number): string => `00000000-0000-4000-8000-${i.toString().padStart(12, '0')}`

const groupInvite = (invitees: number, overrides: Partial<Envelope> = {}): Envelope => ({
  businessID: 1,
  inviteID: 'b6c0c1a4-51a3-4a4e-9d7e-0b8e2f9d8a11',
  groupID: 'hall',
  inviter: 'host',
  inviteeList: Array.from({ length: invitees }, (_, i) => uuid(i)),
  data: '{"room_id":42}',
  timeout: 30,
  actionType: 1,
  onlineUserOnly: false,
  beckon: { actionID: 'a1' },
  ...overrides,
})

const bytes = (s: string): number => new TextEncoder().encode(s).length

/**
 * What a Tencent client checks before treating a custom message as signaling: a JSON object with
 * `businessID` 1 and an action. Anything else is another app's custom message, ignored.
 */
const tencentTakesForSignaling = (payload: string): boolean => {
  const json = JSON.parse(payload) as Record<string, unknown>
  return json['businessID'] === 1 && 'actionType' in json && 'inviteeList' in json
}

describe("beckon's large-list extension", () => {
  it('leaves an envelope that fits 12 KB in exactly Tencent’s format', () => {
    const payload = encodeEnvelope(groupInvite(300))
    expect(bytes(payload)).toBeLessThanOrEqual(maxEnvelopeBytes)
    expect(Object.keys(JSON.parse(payload) as object)[0]).toBe('businessID')
    expect(tencentTakesForSignaling(payload)).toBe(true)
  })

  it('wraps a larger one whole, so a Tencent client does not take it for signaling at all', () => {
    const payload = encodeEnvelope(groupInvite(5_000))
    expect(bytes(payload)).toBeGreaterThan(maxEnvelopeBytes)
    expect(Object.keys(JSON.parse(payload) as object)).toEqual([largeListKey])
    expect(tencentTakesForSignaling(payload)).toBe(false)
  })

  test.prop([fc.integer({ min: 1, max: 10_000 }), fc.constantFrom(1, 2, 5)], { numRuns: 30 })(
    'round trip: every envelope up to 10,000 UUID invitees decodes to itself, whichever format it took',
    (invitees, actionType) => {
      const e = groupInvite(invitees, { actionType: actionType as Envelope['actionType'] })
      expect(decodeEnvelope(encodeEnvelope(e))).toEqual(E.right(e))
    },
  )

  it('decodes a payload delivered again (to another device of the process) to the same envelope, and a new one afresh', () => {
    const [a, b] = [groupInvite(1_000), groupInvite(1_000, { inviteID: 'another', actionType: 2 })]
    const [pa, pb] = [encodeEnvelope(a), encodeEnvelope(b)]
    expect([decodeEnvelope(pa), decodeEnvelope(pa), decodeEnvelope(pb), decodeEnvelope(pa)]).toEqual([E.right(a), E.right(a), E.right(b), E.right(a)])
  })

  it('never decodes a wrapped payload over its 1 MiB cap', () => {
    const e = groupInvite(1, { inviteeList: Array.from({ length: 4_500 }, (_, i) => `${'u'.repeat(240)}${i}`) })
    const payload = encodeEnvelope(e)
    expect(bytes(payload)).toBeGreaterThan(maxLargeEnvelopeBytes)
    expect(decodeEnvelope(payload)).toMatchObject(E.left({ _tag: 'Oversized' }))
  })

  it('refuses without parsing anything over 12 KB that is not the extension', () => {
    const plain = JSON.stringify({ ...groupInvite(1), inviteeList: Array.from({ length: 1_000 }, (_, i) => uuid(i)) })
    expect(decodeEnvelope(plain)).toMatchObject(E.left({ _tag: 'Oversized' }))
    expect(decodeEnvelope(`${'['.repeat(20_000)}${largeListKey}`)).toMatchObject(E.left({ _tag: 'Oversized' }))
  })

  it('rejects a wrapped value that is not a valid envelope, saying why', () => {
    const bad = `{"${largeListKey}":{"businessID":1,"inviteID":"x","inviter":"a","inviteeList":${JSON.stringify(Array.from({ length: 1_000 }, (_, i) => uuid(i)))},"actionType":9}}`
    const decoded = decodeEnvelope(bad)
    expect(decoded).toMatchObject(E.left({ _tag: 'Malformed' }))
  })

  test.prop([fc.string({ minLength: 1, maxLength: 200 }), fc.integer({ min: 12_000, max: 40_000 })], { numRuns: 50 })(
    'totality: any payload over 12 KB that mentions the key gives a value or a failure, never an exception',
    (noise, padding) => {
      const payloads = [
        `{"${largeListKey}":${noise}${' '.repeat(padding)}}`,
        `{"${largeListKey}":[${'['.repeat(padding)}]}`,
        `{"${largeListKey}":"${'x'.repeat(padding)}"}`,
        `{"${largeListKey}":null,"pad":"${'x'.repeat(padding)}"}`,
      ]
      for (const payload of payloads) expect(() => decodeEnvelope(payload)).not.toThrow()
    },
  )
})
