/**
 * Read-only views of the invitations a party holds, for `getInvitation` / `listInvitations`.
 *
 * @module
 */
import type { InviteeEventType, InviteeState } from '../machine/inviteeMachine.js'
import { decidedData, decidedDevice, decidedType, stateName } from './invitees.js'
import { answerDeadline } from './lifecycle.js'
import { takenAtOf } from './record.js'
import { audienceOf, endedAtOf, groupOf, inviteesOf, isOnlineOnly, type DecisionSlot, type EngineState, type Invitation } from './state.js'

/** One invitee as this party sees it. */
export interface InviteeView {
  readonly userID: string
  readonly state: InviteeState
  /** The winning answer's `data` (`''` while pending and for a local expiry). */
  readonly data: string
  /** The device that decided the invitee (`''` while pending and for a local expiry). */
  readonly deviceID: string
  /** What decided it, or `null` while pending. */
  readonly decidedBy: InviteeEventType | null
}

/** One invitation as this party sees it. */
export interface InvitationView {
  readonly inviteID: string
  readonly inviter: string
  /** `''` for 1:1. */
  readonly groupID: string
  readonly inviteeList: readonly string[]
  /** The invite's data, as last modified. */
  readonly data: string
  readonly timeout: number
  readonly onlineUserOnly: boolean
  /** Who hears the answers: `'all'` members (Tencent's way) or only the `'inviter'` (a beckon extension). */
  readonly audience: 'all' | 'inviter'
  /** Server time at which the IM took the invite. */
  readonly serverTime: number
  /** Server time of the invitees' deadline, or `null` for `timeout: 0`. */
  readonly deadline: number | null
  /** Some invitee is still pending. */
  readonly active: boolean
  readonly invitees: readonly InviteeView[]
}

const inviteeViewOf = (invitation: Invitation, userID: string, i: number): InviteeView => ({
  userID,
  state: stateName(invitation, i),
  data: decidedData(invitation, i),
  deviceID: decidedDevice(invitation, i),
  decidedBy: decidedType(invitation, i),
})

/** The view of `invitation` with these invitees' views. */
const viewWith = (state: EngineState, invitation: Invitation, invitees: readonly InviteeView[]): InvitationView => ({
  inviteID: invitation.inviteID,
  inviter: invitation.inviter,
  groupID: groupOf(invitation),
  inviteeList: [...inviteesOf(invitation)],
  data: invitation.data,
  timeout: invitation.timeout,
  onlineUserOnly: isOnlineOnly(invitation),
  audience: audienceOf(invitation),
  serverTime: takenAtOf(state, invitation),
  deadline: answerDeadline(state, invitation) ?? null,
  active: endedAtOf(invitation) === null,
  invitees,
})

export const viewOf = (state: EngineState, invitation: Invitation): InvitationView =>
  viewWith(state, invitation, inviteesOf(invitation).map((userID, i) => inviteeViewOf(invitation, userID, i)))

export const getInvitation = (state: EngineState, inviteID: string): InvitationView | undefined => {
  const invitation = state.invitations.get(inviteID)
  return invitation === undefined ? undefined : viewOf(state, invitation)
}

/** Every invitation held, active and ended (tombstones until their retention is over). */
export const listInvitations = (state: EngineState): InvitationView[] => Array.from(state.invitations.values(), (invitation) => viewOf(state, invitation))

// -------------------------------------------------------------------------------------------------
// Views kept from one look to the next
// -------------------------------------------------------------------------------------------------

/**
 * A frozen view of one invitation, with what its invitees' views were made from: per invitee its
 * code and decision entry (`engine/invitees.ts`: equal both, equal invitee view). With the view's
 * own server time, data and activity, enough to tell, without making the view again, that it still
 * shows the invitation.
 */
export interface KeptView {
  readonly view: InvitationView
  readonly codes: readonly number[]
  readonly slots: readonly DecisionSlot[]
}

/**
 * `kept` if it still shows `invitation`, else a kept view that does: unchanged invitees keep their
 * (frozen) objects, and an invitation whose view shows nothing new keeps its view object. What it
 * costs is a comparison per invitee, and objects only for what changed: making every view afresh
 * and comparing it in depth with the last one, at every change, made a device's views cost
 * quadratic time in a big group (a host with a UI subscribed, 3,000 members answering: 3.4 s more
 * than without one) and a thousand objects per change beside a thousand tombstones.
 */
export const keptView = (state: EngineState, invitation: Invitation, kept: KeptView | undefined): KeptView => {
  const { states, decisions } = invitation.extras
  const invitees = inviteesOf(invitation)
  const before = kept?.view
  let same = before !== undefined && before.serverTime === takenAtOf(state, invitation) && before.data === invitation.data && before.active === (endedAtOf(invitation) === null)
  if (same && sameCodes(kept!, states, decisions, invitees.length)) return kept!
  const views = invitees.map((userID, i) => {
    const old = before?.invitees[i]
    if (old !== undefined && kept!.codes[i] === states[i] && kept!.slots[i] === decisions[i]) return old
    const fresh = inviteeViewOf(invitation, userID, i)
    if (old !== undefined && sameInvitee(old, fresh)) return old
    same = false
    return Object.freeze(fresh)
  })
  let view = before
  if (!same) {
    view = viewWith(state, invitation, Object.freeze(views))
    Object.freeze(view.inviteeList)
    Object.freeze(view)
  }
  // A list without codes or decisions yet (nothingYet) copies as an empty one: every entry reads `undefined`, as there.
  return { view: view!, codes: Array.from(states), slots: decisions.slice(0, invitees.length) }
}

const sameCodes = (kept: KeptView, states: ArrayLike<number>, decisions: readonly DecisionSlot[], n: number): boolean => {
  for (let i = 0; i < n; i++) if (kept.codes[i] !== states[i] || kept.slots[i] !== decisions[i]) return false
  return true
}

const sameInvitee = (a: InviteeView, b: InviteeView): boolean =>
  a.state === b.state && a.data === b.data && a.deviceID === b.deviceID && a.decidedBy === b.decidedBy
