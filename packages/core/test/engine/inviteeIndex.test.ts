import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { buildInviteeIndex } from '../../src/engine/inviteeIndex.js'

describe('the invitee index', () => {
  // Law: for any distinct ids, every id is found at its own position and nothing else is found.
  test.prop([fc.uniqueArray(fc.string({ maxLength: 12 }), { maxLength: 400 }), fc.array(fc.string({ maxLength: 12 }), { maxLength: 50 })])(
    'finds each id at its position, and no other id',
    (ids, others) => {
      const index = buildInviteeIndex(ids)
      ids.forEach((id, i) => expect(index.get(id)).toBe(i))
      for (const other of others) expect(index.get(other)).toBe(ids.indexOf(other))
    },
  )

  it('indexes a hundred thousand ids', () => {
    const ids = Array.from({ length: 100_000 }, (_, i) => `student-${i}`)
    const index = buildInviteeIndex(ids)
    expect([index.get('student-0'), index.get('student-99999'), index.get('student-100000')]).toEqual([0, 99_999, -1])
  })
})
