/**
 * Modifications of an invitation's `data` (SPEC §2 `modifyInvitation`, §8): which of two wins, and
 * what this device does when the IM takes one of its own. Every party keeps the winning
 * modification's version next to the data, so the same modifications give the same data in any
 * order of arrival.
 *
 * A version is ranked by server time, then by the sequence number beckon's extension carries,
 * then by action id. The sequence is what makes "the later call wins" hold within one server
 * millisecond: a device numbers its modifications of an invitation above every one it has sent
 * or holds, so its later call outranks its earlier one, and a call made after seeing another
 * device's modification outranks that one. Another client's modification carries no sequence
 * (it counts as 0) and still orders by server time, then message id.
 *
 * What stays out of reach: two devices of the inviter that modify in the same server millisecond
 * without having seen each other's modification are concurrent; every party converges on the one
 * with the higher sequence, then the larger action id. The device whose call lost hears
 * `onInvitationModified` with the winner's data, or, if the winner reached it before the IM's
 * receipt of its own, its promise fails with `Outranked`.
 *
 * @module
 */
import type { Effect } from './io.js'
import { notify } from './lifecycle.js'
import { writableExtras, type DataVersion, type EngineState, type InFlight, type Invitation } from './state.js'

const sequenceOf = (version: DataVersion): number => version[2] ?? 0

/** Whether `version` outranks `current`: the later server time, then the higher sequence, then the larger action id. */
export const isNewer = (version: DataVersion, current: DataVersion | null): boolean => {
  if (current === null) return true
  if (version[0] !== current[0]) return version[0] > current[0]
  const mine = sequenceOf(version)
  const theirs = sequenceOf(current)
  return mine !== theirs ? mine > theirs : version[1] > current[1]
}

/**
 * Sets the invitation's data from a modification if it outranks the one held. Returns whether it
 * did.
 */
export const adoptModification = (invitation: Invitation, version: DataVersion, data: string): boolean => {
  if (!isNewer(version, invitation.extras.dataVersion)) return false
  writableExtras(invitation).dataVersion = version
  invitation.data = data
  return true
}

/** The sequence number of this device's next modification of `invitation`: above all it holds or has in flight. */
export const nextSequence = (state: EngineState, invitation: Invitation): number => {
  const { dataVersion } = invitation.extras
  let highest = dataVersion === null ? 0 : sequenceOf(dataVersion)
  for (const { envelope, replaces } of state.inFlight.values()) {
    if (replaces !== undefined && envelope.inviteID === invitation.inviteID) highest = Math.max(highest, envelope.beckon?.seq ?? 0)
  }
  return highest + 1
}

/** What became of one of this device's modifications once the IM took it. */
export type Taken =
  /** Its data holds (until a later modification). */
  | 'adopted'
  /** A modification from a later server millisecond had already replaced it here. */
  | 'superseded'
  /** A concurrent modification in the same server millisecond outranks it: it never held anywhere. */
  | 'outranked'

/**
 * The IM took one of this device's modifications (`entry`) at `serverTime`: its data holds here
 * unless a newer modification arrived first. One the engine sent again after a restore settles
 * no promise, so the app hears of its data like of anyone else's.
 */
export const modificationTaken = (invitation: Invitation, entry: InFlight, serverTime: number, effects: Effect[]): Taken => {
  const { envelope } = entry
  const version: DataVersion = [serverTime, envelope.beckon?.actionID ?? '', envelope.beckon?.seq ?? 0]
  if (!adoptModification(invitation, version, envelope.data)) {
    const { dataVersion } = invitation.extras
    return dataVersion !== null && dataVersion[0] > serverTime ? 'superseded' : 'outranked'
  }
  if (entry.origin === 'engine') notify(invitation, { type: 'onInvitationModified', inviteID: invitation.inviteID, data: envelope.data }, effects)
  return 'adopted'
}
