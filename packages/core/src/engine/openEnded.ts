/**
 * Which open-ended invitations (`timeout: 0`) this party holds active, oldest first: all of them,
 * and per inviter. Call kits end every call with such an invitation and never cancel it, so they
 * pile up; when the caps are reached the oldest gives way (`makeRoom` in `lifecycle.ts`, SPEC §8).
 *
 * A derived index, like the per-inviter active counts: built on first use (oldest by server time,
 * which is also the order after a restore), kept in step from then on, and not saved. Until a cap
 * is first reached nobody asks for it, so it costs the usual path nothing but one lookup.
 *
 * @module
 */
import { endedAtOf, type EngineState, type Invitation } from './state.js'

interface OpenEnded {
  /** Insertion-ordered: the first is the one held longest. */
  readonly all: Set<string>
  readonly byInviter: Map<string, Set<string>>
}

const indexes = new WeakMap<EngineState, OpenEnded>()

const isOpenEnded = (invitation: Invitation): boolean => invitation.timeout === 0

const add = (index: OpenEnded, invitation: Invitation): void => {
  index.all.add(invitation.inviteID)
  let mine = index.byInviter.get(invitation.inviter)
  if (mine === undefined) index.byInviter.set(invitation.inviter, (mine = new Set()))
  mine.add(invitation.inviteID)
}

const remove = (index: OpenEnded, inviteID: string, inviter: string): void => {
  index.all.delete(inviteID)
  const mine = index.byInviter.get(inviter)
  mine?.delete(inviteID)
  if (mine?.size === 0) index.byInviter.delete(inviter)
}

const indexOf = (state: EngineState): OpenEnded => {
  let index = indexes.get(state)
  if (index === undefined) {
    index = { all: new Set(), byInviter: new Map() }
    const open = [...state.invitations.values()].filter((invitation) => endedAtOf(invitation) === null && isOpenEnded(invitation))
    for (const invitation of open.sort((a, b) => a.taken - b.taken)) add(index, invitation)
    indexes.set(state, index)
  }
  return index
}

/** Keeps the index in step as an invitation becomes active (`true`) or stops being so. */
export const trackOpenEnded = (state: EngineState, invitation: Invitation, active: boolean): void => {
  // The invitation's own field first: most have a deadline, and then no index lookup is needed.
  if (!isOpenEnded(invitation)) return
  const index = indexes.get(state)
  if (index === undefined) return
  if (active) add(index, invitation)
  else remove(index, invitation.inviteID, invitation.inviter)
}

/** Whether this party holds some active open-ended invitation. */
export const hasOpenEnded = (state: EngineState): boolean => indexOf(state).all.size > 0

/**
 * The active open-ended invitation held longest — `inviter`'s, or anyone's — taken out of the
 * index (the caller retires it), or `undefined` if there is none.
 */
export const takeOldestOpenEnded = (state: EngineState, inviter?: string): Invitation | undefined => {
  const index = indexOf(state)
  for (;;) {
    const ids = inviter === undefined ? index.all : index.byInviter.get(inviter)
    const oldest = ids?.values().next().value
    if (oldest === undefined) return undefined
    const invitation = state.invitations.get(oldest)
    remove(index, oldest, invitation?.inviter ?? inviter ?? '')
    if (invitation !== undefined && endedAtOf(invitation) === null) return invitation
  }
}
