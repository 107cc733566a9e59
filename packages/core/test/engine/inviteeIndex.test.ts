import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { buildInviteeIndex, hash, positionIn } from '../../src/engine/inviteeIndex.js'

describe('the invitee index', () => {
  // Law: for any distinct ids, every id is found at its own position and nothing else is found.
  test.prop([fc.uniqueArray(fc.string({ maxLength: 12 }), { maxLength: 400 }), fc.array(fc.string({ maxLength: 12 }), { maxLength: 50 })])(
    'finds each id at its position, and no other id',
    (ids, others) => {
      const index = buildInviteeIndex(ids)
      ids.forEach((id, i) => expect(positionIn(index, ids, id)).toBe(i))
      for (const other of others) expect(positionIn(index, ids, other)).toBe(ids.indexOf(other))
    },
  )

  it('indexes a hundred thousand ids', () => {
    const ids = Array.from({ length: 100_000 }, (_, i) => `student-${i}`)
    const index = buildInviteeIndex(ids)
    expect([positionIn(index, ids, 'student-0'), positionIn(index, ids, 'student-99999'), positionIn(index, ids, 'student-100000')]).toEqual([0, 99_999, -1])
  })

  it('tells apart ids whose whole hashes agree', () => {
    // A slot keeps the hash bits above the table's mask, so a probe compares ids only where those
    // agree: two ids with one 32-bit hash agree there everywhere, and only the ids tell them apart.
    const [a, b] = ['id-6953', 'id-18073']
    expect(hash(a)).toBe(hash(b))
    const ids = [...Array.from({ length: 40 }, (_, i) => `member-${i}`), a]
    const index = buildInviteeIndex(ids)
    expect([positionIn(index, ids, a), positionIn(index, ids, b)]).toEqual([40, -1])
    const both = [b, ...ids]
    const bothIndex = buildInviteeIndex(both)
    expect([positionIn(bothIndex, both, b), positionIn(bothIndex, both, a)]).toEqual([0, 41])
  })

  it('still finds every id when crafted ids all hash to one slot', () => {
    // Seventy ids whose hashes agree in their low eight bits share one slot of the 128-slot table.
    const ids: string[] = []
    for (let k = 0; ids.length < 70; k++) if ((hash(`crafted-${k}`) & 0xff) === 0) ids.push(`crafted-${k}`)
    const index = buildInviteeIndex(ids)
    expect(index).toBeInstanceOf(Map)
    ids.forEach((id, i) => expect(positionIn(index, ids, id)).toBe(i))
    expect(positionIn(index, ids, 'crafted-x')).toBe(-1)
  })
})
