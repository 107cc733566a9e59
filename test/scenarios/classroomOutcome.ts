/**
 * What the classroom script (`examples/scenarios.ts`: students 2, 4 and 5 raise hands, student 4
 * is given the floor, the round closes) must leave with every member, on any transport.
 *
 * @module
 */
import type { ExpectStatic } from 'vitest'
import type { ClassWorld } from '../../examples/scenarios.js'
import type { Timeline } from '../../examples/timeline.js'

/** Every member saw the same hands and speaker and holds the same closed round; hands went up in order. */
export const expectClassroomOutcome = (expect: ExpectStatic, room: ClassWorld, timeline: Timeline): void => {
  for (const member of [room.teacher, ...room.students]) {
    expect({ who: member.who, hands: member.raisedHands, speaker: member.speaker }).toEqual({ who: member.who, hands: ['student2', 'student4', 'student5'], speaker: 'student4' })
    const round = member.signaling.getInvitation(room.teacher.round!)
    expect({ who: member.who, active: round?.active, invitees: round?.invitees.map((i) => `${i.userID}:${i.state}`) }).toEqual({
      who: member.who,
      active: false,
      invitees: ['student1:cancelled', 'student2:accepted', 'student3:cancelled', 'student4:accepted', 'student5:accepted', 'student6:cancelled'],
    })
  }
  expect(timeline.linesOf('student1').filter((l) => l.startsWith('▶ sees hands up'))).toEqual([
    '▶ sees hands up: [student2]',
    '▶ sees hands up: [student2, student4]',
    '▶ sees hands up: [student2, student4, student5]',
  ])
}
