/**
 * What a command's promise must do, read from SPEC §2 / §3 "Rules" and the acting device's own
 * view just before the call (the model does not know who won a race; the device does). Expected
 * is `'resolved'` or the `SignalingError` code.
 *
 * @module
 */
import type { InvitationView } from '@beckon/core'
import { expect } from 'vitest'
import type { Settled } from './world.js'

export type Expected = 'resolved' | 6014 | 6017 | 8010

const DISCONNECTED = 6014
const INVALID_PARAMETER = 6017
const INVALID = 8010

const pastDeadline = (view: InvitationView, now: number): boolean => view.deadline !== null && now >= view.deadline

/** accept / reject: only a listed invitee that is still pending, before the deadline. */
export const expectedAnswer = (connected: boolean, view: InvitationView | undefined, me: string, now: number): Expected => {
  if (!connected) return DISCONNECTED
  if (view === undefined || pastDeadline(view, now)) return INVALID
  return view.invitees.some((i) => i.userID === me && i.state === 'pending') ? 'resolved' : INVALID
}

/** cancel: only while some invitee is pending and the deadline has not passed. */
export const expectedCancel = (connected: boolean, view: InvitationView | undefined, now: number): Expected => {
  if (!connected) return DISCONNECTED
  if (view === undefined || !view.active || pastDeadline(view, now)) return INVALID
  return 'resolved'
}

/** modify: only while active and before the deadline (as cancel), and only a stored invitation (6017 for an online-only one). */
export const expectedModify = (connected: boolean, view: InvitationView | undefined, now: number): Expected => {
  if (!connected) return DISCONNECTED
  if (view === undefined || !view.active || pastDeadline(view, now)) return INVALID
  return view.onlineUserOnly ? INVALID_PARAMETER : 'resolved'
}

/** Asserts how the promise ended; `what` names the command in the failure. */
export const expectSettled = <T>(what: string, settled: Settled<T>, expected: Expected): void => {
  const got = settled.kind === 'resolved' ? 'resolved' : settled.kind === 'rejected' ? settled.code : 'still pending'
  expect({ command: what, settled: got }).toEqual({ command: what, settled: expected })
}
