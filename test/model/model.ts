/**
 * The model: what a person watching the test from outside knows — which devices exist and are
 * connected, which invitations were taken by the IM and who is in them, whether the network lost
 * anything, how much virtual time has passed. It knows nothing of arbitration: who won a race is
 * what the laws check on the system, never what the model predicts.
 *
 * @module
 */

/** The devices of the world: alice and bob on two devices each, carol and dave on one. */
export const deviceNames = ['alice/phone', 'alice/laptop', 'bob/phone', 'bob/laptop', 'carol/phone', 'dave/phone'] as const
export type DeviceName = (typeof deviceNames)[number]

export const users = ['alice', 'bob', 'carol', 'dave'] as const
export type User = (typeof users)[number]

/** The one group; every user is a member. */
export const groupID = 'g'

export const userOf = (device: DeviceName): User => device.split('/')[0] as User

/** An invitation the IM took, as the model knows it. */
export interface ModelInvitation {
  readonly inviteID: string
  readonly inviter: User
  readonly inviterDevice: DeviceName
  readonly invitees: readonly User[]
  /** `''` for 1:1. */
  readonly groupID: string
  readonly timeout: number
  /** Sent only to devices online at the time, never stored; its follow-ups inherit it. */
  readonly onlineUserOnly: boolean
  /** The IM's server time when it took the invite. */
  readonly takenAt: number
}

export interface Model {
  /** This run may lose messages (the drop command is enabled). */
  readonly lossy: boolean
  readonly connected: Set<DeviceName>
  readonly invitations: ModelInvitation[]
  /** Some delivery was dropped: convergence is no longer promised, only liveness. */
  dropped: boolean
  /** Some device went offline: online-only messages may have missed it for good. */
  disconnected: boolean
  /** Virtual time advanced by the clock command so far. */
  elapsedMs: number
  /** Modifications the IM took, per invitation. */
  readonly modifications: Map<string, number>
  /** The modifications whose promise resolved, per invitation, in the order they were called. */
  readonly resolvedModifications: Map<string, ResolvedModification[]>
}

/** A `modifyInvitation` whose promise resolved. */
export interface ResolvedModification {
  readonly device: DeviceName
  readonly data: string
  /** The IM clock when it was called (the IM takes it at once). */
  readonly at: number
}

export const initialModel = (lossy: boolean): Model => ({
  lossy,
  connected: new Set(deviceNames),
  invitations: [],
  dropped: false,
  disconnected: false,
  elapsedMs: 0,
  modifications: new Map(),
  resolvedModifications: new Map(),
})

/** The `n`-th element of a non-empty list, cycling: commands carry an index, the model a list. */
export const pick = <T>(list: readonly T[], n: number): T => {
  const item = list[n % list.length]
  if (item === undefined) throw new Error('pick from an empty list: a check() should have refused this command')
  return item
}

/**
 * Which of `candidates` a command acts on. Three picks in four go to the ones `likely` keeps (the
 * acting device holds them and can still act, as the system says), so most commands take effect;
 * the fourth picks from all, so the refusals (8010) are exercised too.
 */
export const chooseTarget = <T>(candidates: readonly T[], n: number, likely: (candidate: T) => boolean): T => {
  const preferred = candidates.filter(likely)
  return n % 4 !== 0 && preferred.length > 0 ? pick(preferred, n >> 2) : pick(candidates, n >> 2)
}

/** Invitations in which `device`'s user is an invitee. */
export const invitedAs = (model: Readonly<Model>, device: DeviceName): ModelInvitation[] =>
  model.invitations.filter((invitation) => invitation.invitees.includes(userOf(device)))

/** Invitations whose inviter is `device`'s user (any of its devices may act for it). */
export const invitedBy = (model: Readonly<Model>, device: DeviceName): ModelInvitation[] =>
  model.invitations.filter((invitation) => invitation.inviter === userOf(device))

/**
 * Whether everything about the invitation reaches everyone it concerns: nothing was dropped, and
 * if it is online-only, no device was ever offline (an online-only message is not stored).
 */
export const deliveredToAll = (model: Readonly<Model>, invitation: ModelInvitation): boolean =>
  !model.dropped && !(invitation.onlineUserOnly && model.disconnected)

/** Who must hold an invitation once everything is delivered: the inviter's devices and the invitees' (every member's in a group). */
export const holdersOf = (invitation: ModelInvitation): DeviceName[] =>
  deviceNames.filter((device) => invitation.groupID !== '' || userOf(device) === invitation.inviter || invitation.invitees.includes(userOf(device)))
