/**
 * Listening to every callback of a device's signaling, for the test harnesses that record what
 * an app would have been told: either each callback's raw arguments, or one normal form for all
 * six (the invitation, who acted, the users it is about, and the data).
 *
 * @module
 */
import type { Signaling, SignalingListener } from '@beckon/core'
import { signalingCallbacks as callbacks } from '../../packages/core/src/facade/arguments.js'

/** One of `SignalingListener`'s six callbacks. */
export type Callback = (typeof callbacks)[number]

/** Listens to every callback with `record(callback)`, which gets the callback's own arguments. */
export const recordEvery = (signaling: Signaling, record: (callback: Callback) => (inviteID: string, ...rest: never[]) => void): (() => void) =>
  signaling.addSignalingListener(Object.fromEntries(callbacks.map((callback) => [callback, record(callback)])) as SignalingListener)

/**
 * One callback in normal form: `who` is the inviter (invite, cancel) or the invitee (accept,
 * reject), `''` where there is none; `about` the invitees it names.
 */
export type Hear = (callback: Callback, inviteID: string, who: string, about: readonly string[], data: string) => void

/** Listens to every callback, handing each to `hear` in normal form. */
export const hearEvery = (signaling: Signaling, hear: Hear): (() => void) =>
  signaling.addSignalingListener({
    onReceiveNewInvitation: (id, inviter, _groupID, list, data) => hear('onReceiveNewInvitation', id, inviter, list, data),
    onInviteeAccepted: (id, invitee, data) => hear('onInviteeAccepted', id, invitee, [invitee], data),
    onInviteeRejected: (id, invitee, data) => hear('onInviteeRejected', id, invitee, [invitee], data),
    onInvitationCancelled: (id, inviter, data, list) => hear('onInvitationCancelled', id, inviter, list, data),
    onInvitationTimeout: (id, list) => hear('onInvitationTimeout', id, '', list, ''),
    onInvitationModified: (id, data) => hear('onInvitationModified', id, '', [], data),
  })
