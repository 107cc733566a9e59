/**
 * The seed's classroom, run from the examples on a virtual clock.
 */
import { describe, expect, it } from 'vitest'
import { MemoryIm } from '@beckon/adapter-memory'
import { classroom } from '../../examples/scenarios.js'
import { Timeline } from '../../examples/timeline.js'

describe('the classroom', () => {
  it('shows every member the same growing list of raised hands, then who speaks', async () => {
    const im = new MemoryIm({ network: { latency: { min: 5, max: 60 }, reorder: true } })
    const timeline = new Timeline(im.clock)
    const script = classroom((user) => im.connect(user), im.clock, timeline, 6)
    let done = false
    void script.then(() => (done = true))
    while (!done) await im.clock.advance(50)
    const { teacher, students } = await script
    await im.settle()

    for (const member of [teacher, ...students]) {
      expect({ who: member.who, hands: member.raisedHands, speaker: member.speaker }).toEqual({
        who: member.who,
        hands: ['student2', 'student4', 'student5'],
        speaker: 'student4',
      })
    }
    const seenBy = (who: string) => timeline.linesOf(who).filter((l) => l.startsWith('▶ sees hands up'))
    expect(seenBy('student1')).toEqual([
      '▶ sees hands up: [student2]',
      '▶ sees hands up: [student2, student4]',
      '▶ sees hands up: [student2, student4, student5]',
    ])
    const round = teacher.signaling.getInvitation(teacher.round!)!
    expect(round.active).toBe(false)
    expect(round.invitees.map((i) => `${i.userID}:${i.state}`)).toEqual([
      'student1:cancelled',
      'student2:accepted',
      'student3:cancelled',
      'student4:accepted',
      'student5:accepted',
      'student6:cancelled',
    ])
  })
})
