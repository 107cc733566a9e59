/**
 * Read-only views of the invitations a party holds, for `getInvitation` / `listInvitations`.
 *
 * @module
 */
import type { InviteeEventType, InviteeState } from '../machine/inviteeMachine.js'
import { decidedData, decidedDevice, decidedType, stateName } from './invitees.js'
import { answerDeadline } from './lifecycle.js'
import { takenAtOf } from './record.js'
import { audienceOf, endedAtOf, groupOf, inviteesOf, isOnlineOnly, type EngineState, type Invitation } from './state.js'

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

export const viewOf = (state: EngineState, invitation: Invitation): InvitationView => ({
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
  invitees: inviteesOf(invitation).map((userID, i) => ({
    userID,
    state: stateName(invitation, i),
    data: decidedData(invitation, i),
    deviceID: decidedDevice(invitation, i),
    decidedBy: decidedType(invitation, i),
  })),
})

export const getInvitation = (state: EngineState, inviteID: string): InvitationView | undefined => {
  const invitation = state.invitations.get(inviteID)
  return invitation === undefined ? undefined : viewOf(state, invitation)
}

/** Every invitation held, active and ended (tombstones until their retention is over). */
export const listInvitations = (state: EngineState): InvitationView[] => Array.from(state.invitations.values(), (invitation) => viewOf(state, invitation))
