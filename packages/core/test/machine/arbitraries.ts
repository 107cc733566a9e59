import fc from 'fast-check'
import { inviteeEventTypes, type InviteeEvent } from '@beckon/core'

/** Facts with action ids from a small alphabet, so ties between facts of one type happen often. */
export const inviteeEvent: fc.Arbitrary<InviteeEvent> = fc.record({
  type: fc.constantFrom(...inviteeEventTypes),
  actionID: fc.string({ unit: fc.constantFrom('a', 'b', 'c'), minLength: 1, maxLength: 3 }),
  data: fc.constantFrom('', 'x', 'y'),
  userID: fc.constantFrom('bob', 'carol'),
  deviceID: fc.constantFrom('phone', 'laptop'),
})
