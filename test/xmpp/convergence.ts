/**
 * What the server-outage tests (a restart, a cluster node stopping) check once an invitation has
 * run its course: every device ends with the same outcome, and heard every answer exactly once.
 *
 * @module
 */
import type { ExpectStatic } from 'vitest'
import type { Callback, Party } from './stage.js'

/** One invitee's answer, given on one of its devices. */
export interface Answer {
  readonly party: Party
  readonly event: Extract<Callback, 'onInviteeAccepted' | 'onInviteeRejected'>
  readonly data: string
}

/** Gives `a` on its device. */
export const answer = (a: Answer, inviteID: string): Promise<void> =>
  a.event === 'onInviteeAccepted' ? a.party.signaling.accept(inviteID, a.data) : a.party.signaling.reject(inviteID, a.data)

/** The invitees still pending on every device are exactly `userIDs`. */
export const expectPending = (expect: ExpectStatic, everyone: readonly Party[], inviteID: string, userIDs: readonly string[], when: string): void => {
  for (const p of everyone) {
    const pending = p.outcome(inviteID)?.invitees.filter((i) => i.state === 'pending').map((i) => i.userID)
    expect(pending, `${p.label} ${when}`).toEqual(userIDs)
  }
}

/**
 * Every device ends with `invitees` (ended), and heard every answer but its own exactly once,
 * with its data, and no timeout or cancel.
 */
export const expectConverged = (expect: ExpectStatic, everyone: readonly Party[], inviteID: string, invitees: readonly object[], answers: readonly Answer[]): void => {
  for (const p of everyone) expect(p.outcome(inviteID), p.label).toEqual({ active: false, invitees })
  for (const p of everyone) {
    for (const a of answers) {
      const heard = p.heardOf(a.event, inviteID).filter((h) => h.who === a.party.name)
      expect(
        heard.map((h) => h.data),
        `${p.label} told of ${a.party.label}`,
      ).toEqual(p === a.party ? [] : [a.data])
    }
    expect(p.heard.filter((h) => h.event === 'onInvitationTimeout' || h.event === 'onInvitationCancelled'), p.label).toEqual([])
  }
}

/** An invitee as every device must end up holding it. */
export const decided = (userID: string, state: string, data: string, deviceID: string) => ({ userID, state, data, deviceID })
