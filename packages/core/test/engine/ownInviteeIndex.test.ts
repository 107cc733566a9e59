/**
 * A party's own position in an invitation is found by a scan until the invitee index exists (so a
 * member's device never hashes the whole list just to find itself), and by the index afterwards.
 */
import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { ActionType, defaultLimits, initialState, type EngineState } from '@beckon/core'
import { inviteeIndex, ownInviteeIndex } from '../../src/engine/invitees.js'
import { newInvitation } from '../../src/engine/record.js'

const invitationOf = (state: EngineState, invitees: readonly string[]) =>
  newInvitation(state, {
    envelope: { businessID: 1, inviteID: 'i-1', groupID: 'hall', inviter: 'host', inviteeList: invitees, data: '', timeout: 30, actionType: ActionType.invite, onlineUserOnly: false },
    takenAt: 0,
    provisional: false,
    inviteMessageID: 'm-1',
    sentHere: false,
    presented: false,
  })

describe("a party's own position in an invitation", () => {
  // Law: for any list of distinct invitees and any user, listed or not, the own position is the
  // user's position in the list (-1 if unlisted), before the index is built and after.
  test.prop([fc.uniqueArray(fc.string({ maxLength: 8 }), { maxLength: 60 }), fc.option(fc.nat(), { nil: undefined }), fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })])(
    'is the position in the list, with or without the index',
    (invitees, pick, stranger, other) => {
      const userID = pick === undefined || invitees.length === 0 ? stranger : invitees[pick % invitees.length]!
      const state = initialState({ userID, deviceID: 'phone', limits: defaultLimits, trace: false })
      const invitation = invitationOf(state, invitees)
      expect(ownInviteeIndex(state, invitation)).toBe(invitees.indexOf(userID))
      // Looking up someone else builds the index (past a few invitees); the answer stays the same.
      expect(inviteeIndex(invitation, other)).toBe(invitees.indexOf(other))
      expect(ownInviteeIndex(state, invitation)).toBe(invitees.indexOf(userID))
    },
  )
})
