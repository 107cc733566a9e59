/**
 * Modifications of an invitation's `data` (SPEC §2 `modifyInvitation`): which of two wins, and
 * what this device does when the IM takes one of its own. Every party keeps the winning
 * modification's version next to the data, so the same modifications give the same data in any
 * order of arrival.
 *
 * @module
 */
import type { Effect } from './io.js'
import { notify } from './lifecycle.js'
import { actionIDOf } from './outbound.js'
import type { DataVersion, InFlight, Invitation } from './state.js'

/** Whether `version` outranks `current`: the later server time, then the larger action id. */
export const isNewer = (version: DataVersion, current: DataVersion | null): boolean =>
  current === null || version[0] > current[0] || (version[0] === current[0] && version[1] > current[1])

/**
 * Sets the invitation's data from a modification if it outranks the one held. Returns whether it
 * did.
 */
export const adoptModification = (invitation: Invitation, version: DataVersion, data: string): boolean => {
  if (!isNewer(version, invitation.dataVersion)) return false
  invitation.dataVersion = version
  invitation.data = data
  return true
}

/**
 * The IM took one of this device's modifications (`entry`) at `serverTime`: its data holds here
 * unless a newer modification arrived first. One the engine sent again after a restore settles
 * no promise, so the app hears of its data like of anyone else's.
 */
export const modificationTaken = (invitation: Invitation, entry: InFlight, serverTime: number, effects: Effect[]): boolean => {
  const { envelope } = entry
  if (!adoptModification(invitation, [serverTime, actionIDOf(envelope)], envelope.data)) return false
  if (entry.origin === 'engine') notify(invitation, { type: 'onInvitationModified', inviteID: invitation.inviteID, data: envelope.data }, effects)
  return true
}
