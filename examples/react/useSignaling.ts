/**
 * React hooks over a `Signaling` instance: `useSignalingView` re-renders on each change of what the
 * device sees (and only then), `useRingingInvitation` picks the call ringing on this device.
 *
 * `getSnapshot()` returns the same object until something it shows changes, so it goes to
 * `useSyncExternalStore` as it is — no memoizing, no selector library.
 *
 * @module
 */
import { useMemo, useSyncExternalStore } from 'react'
import type { InvitationView, Signaling, SignalingView } from '@beckon/core'

/**
 * What `signaling`'s device sees now: its invitations, whether it is caught up with the IM, and
 * whether it is closed. The component re-renders after each change, once.
 */
export const useSignalingView = (signaling: Signaling): SignalingView =>
  // The same function serves the server render: a server has no invitations to show but those
  // the instance holds, and it must not differ from the first client render.
  useSyncExternalStore(signaling.subscribe, signaling.getSnapshot, signaling.getSnapshot)

/**
 * Rings for `userID`: still active, sent by someone else, and this user among the invitees still
 * pending. In a group every member holds the invitation; only the invitees ring.
 */
export const isRingingFor = (invitation: InvitationView, userID: string): boolean =>
  invitation.active && invitation.inviter !== userID && invitation.invitees.some((invitee) => invitee.userID === userID && invitee.state === 'pending')

/**
 * The invitation ringing on this device, the oldest first, or `undefined`. The same object across
 * renders while it does not change, so it can go into a dependency list or a memoized child.
 */
export const useRingingInvitation = (signaling: Signaling): InvitationView | undefined => {
  const { invitations } = useSignalingView(signaling)
  return useMemo(() => invitations.find((invitation) => isRingingFor(invitation, signaling.userID)), [invitations, signaling.userID])
}
