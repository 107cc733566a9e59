/**
 * An invitation's life at one party: its creation, its deadlines (SPEC §3 "Time"), the ring
 * decision, notifications held until that decision, the end of activity and the tombstone's
 * removal. Timers are derived from the invitation, never stored, so a restored state re-arms them
 * from absolute deadlines.
 *
 * @module
 */
import type { InviteeEvent } from '../machine/inviteeMachine.js'
import { applyFact, inviteeIndex, isAnswerable, ownInviteeIndex, pendingInvitees } from './invitees.js'
import type { Effect, Notification } from './io.js'
import { takeOldestOpenEnded, trackOpenEnded } from './openEnded.js'
import { newInvitation, takenAtOf, type NewInvitation } from './record.js'
import { endedAtOf, groupOf, inviteesOf, isPresented, marksSweptFrom, nothingYet, pendingCountOf, PRESENTED, sentHere, withoutEntry, writableExtras, type EngineState, type Invitation } from './state.js'

// -------------------------------------------------------------------------------------------------
// Deadlines
// -------------------------------------------------------------------------------------------------

const SECOND = 1000
/** The device that sent the invite ends it this long after the invitees' deadline. *(Tencent)* */
export const inviterGraceMs = 5 * SECOND
/** Every other holder expires pending invitees this long after the deadline. */
export const expiryGraceMs = 10 * SECOND

/**
 * The timers an invitation can have at one party. The shell holds one timer per invitation, keyed
 * by its invite id (a string the invitation holds anyway), set for the earliest of them: a key per
 * kind (`own:<id>`, …) was a second string per armed timer (about 36 bytes of a pending 1:1
 * invitation) and a clear and a set where one set now moves the timer. Messages held for an
 * unknown invitation use the same key: they are released (and their timer cleared) when the
 * invitation arrives, so the two never coexist.
 *
 * Tombstones have no timer each: only the first of the queue of ended invitations
 * ({@link EngineState.ended}) has one, for its removal, and that removal takes every tombstone
 * then due and arms the next (see {@link removeDue}). A removal timer per tombstone kept the
 * shell's store of deadlines as large as the tombstones (thousands at a busy device, each a
 * record the heap of deadlines sifted through).
 */
export type TimerKind = 'own' | 'inviter' | 'expiry'

/** The invitees' deadline (`t + timeout`), or `undefined` for `timeout: 0`. */
export const answerDeadline = (state: EngineState, invitation: Invitation): number | undefined =>
  invitation.timeout > 0 ? takenAtOf(state, invitation) + invitation.timeout * SECOND : undefined

/** The kinds in bit order: bit `k` of a timer set is `invitationTimers[k]`. */
export const invitationTimers: readonly TimerKind[] = ['own', 'inviter', 'expiry']
const OWN = 1
const INVITER = 2
const EXPIRY = 4

/** Due times by bit of {@link timersDue}, valid until its next call (no array per call). */
const dueTimes = [0, 0, 0]

/**
 * Which of the invitation's timers are due at this party now, one bit per kind of
 * `invitationTimers`, their times left in `dueTimes` (read with {@link dueTime} until the next call
 * of this or {@link armTimers}): the one place that says when each is due, computed in one pass (a
 * pass per kind cost a 1:1 step a tenth of its time).
 */
export const timersDue = (state: EngineState, invitation: Invitation): number => {
  if (endedAtOf(invitation) !== null) return 0
  const deadline = answerDeadline(state, invitation)
  if (deadline === undefined) return 0
  const mine = ownInviteeIndex(state, invitation)
  let due = 0
  if (mine >= 0) {
    dueTimes[0] = deadline
    due |= OWN
  }
  if (sentHere(invitation)) {
    dueTimes[1] = deadline + inviterGraceMs
    due |= INVITER
  } else if (mine < 0 || inviteesOf(invitation).length > 1) {
    // When this user is the only invitee, its own deadline ends the invitation first: a second
    // deadline would do nothing but cost the device a timer per pending 1:1 invitation.
    dueTimes[2] = deadline + expiryGraceMs
    due |= EXPIRY
  }
  return due
}

/**
 * The earliest of the due times of `due` (bits of {@link timersDue}) later than `after`. The kinds
 * in bit order are in time order (the own deadline, then the inviter's 5 s and everyone else's 10 s
 * after it), so the first one found is the earliest.
 */
const earliestOf = (due: number, after: number): number => {
  for (let k = 0; k < 3; k++) if ((due & (1 << k)) !== 0 && dueTimes[k]! > after) return dueTimes[k]!
  return Number.POSITIVE_INFINITY
}

/** The due time of the `k`-th kind of `invitationTimers` (own, inviter, expiry), as the last {@link timersDue} found it. */
export const dueTime = (k: number): number => dueTimes[k]!

/**
 * Arms the invitation's timer for the earliest of its due times (those later than `after` only:
 * the deadlines at or before it have just been acted on), or clears it when it has none and
 * `armedBefore` (whether {@link timersDue} found any, before the change) says one was armed.
 */
export const armTimers = (state: EngineState, invitation: Invitation, effects: Effect[], armedBefore = false, after = Number.NEGATIVE_INFINITY): void => {
  const due = timersDue(state, invitation)
  const at = due === 0 ? Number.POSITIVE_INFINITY : earliestOf(due, after)
  if (at === Number.POSITIVE_INFINITY) {
    if (armedBefore) effects.push({ type: 'timer.clear', key: invitation.inviteID })
    return
  }
  effects.push({ type: 'timer.set', key: invitation.inviteID, at, deadline: true })
}

// -------------------------------------------------------------------------------------------------
// Creation and activity
// -------------------------------------------------------------------------------------------------

/**
 * Adds an invitation with every invitee pending. The caller applies held messages next. Only the
 * inviter's devices keep the invite's message id: it is what a modification replaces, and only the
 * inviter modifies (a message id kept at every invitee's device was a string per invitation).
 */
export const createInvitation = (state: EngineState, fields: NewInvitation, effects: Effect[]): Invitation => {
  const { envelope } = fields
  const mine = envelope.inviter === state.config.userID
  const invitation = newInvitation(state, fields, mine ? fields.inviteMessageID : '')
  const invitees = inviteesOf(invitation)
  state.invitations.set(invitation.inviteID, invitation)
  state.activeCount += 1
  countActive(state, invitation.inviter, 1)
  trackOpenEnded(state, invitation, true)
  state.revision++
  if (state.config.trace) effects.push({ type: 'trace.invitation', change: 'created', inviteID: invitation.inviteID, invitees })
  return invitation
}

/**
 * Call after an invitation's invitees changed: ends it when nobody is pending any more, or revives
 * it if an undone command left someone pending again. `fired` says that its timer has just fired
 * (and is armed no more).
 *
 * An ending invitation joins the queue of tombstones. First in it, its timer moves from its
 * deadline to its removal; behind others, its deadline's timer is cleared, when it has a deadline
 * and the timer did not just fire (one that fired while the device was catching up was not armed
 * again: clearing it then clears nothing). A revived one arms its deadlines again, and if it was
 * the first tombstone, the next one gets the removal timer.
 */
export const settleActivity = (state: EngineState, invitation: Invitation, now: number, effects: Effect[], fired = false): void => {
  const active = pendingCountOf(invitation) > 0
  if (active === (endedAtOf(invitation) === null)) return
  // Read before the change, a reviving one being still ended. Whether any tombstone is held is a
  // count (no look into the queue on the common path: an ending beside thousands of tombstones).
  const tombstones = state.invitations.size - state.activeCount
  const first = active ? firstTombstone(state) : undefined
  writableExtras(invitation).endedAt = active ? null : now
  state.activeCount += active ? 1 : -1
  countActive(state, invitation.inviter, active ? 1 : -1)
  trackOpenEnded(state, invitation, active)
  state.revision++
  if (active) {
    armTimers(state, invitation, effects, first === invitation)
    if (first === invitation) armRemoval(state, effects)
    return
  }
  if (tombstones === 0) {
    // The first tombstone: what the queue still lists is of invitations removed or revived since.
    startQueueAgain(state)
    effects.push(removalTimer(state, invitation))
  } else if (!fired && invitation.timeout > 0) effects.push({ type: 'timer.clear', key: invitation.inviteID })
  state.ended.push(invitation.inviteID)
  boundTombstones(state, now, effects)
}

/**
 * The first tombstone in the queue of ended invitations, the one whose timer is its removal;
 * entries of invitations removed or revived since are passed over for good. When none is left,
 * the queue starts again from its first slot.
 */
const firstTombstone = (state: EngineState): Invitation | undefined => {
  const { ended } = state
  while (state.endedFrom < ended.length) {
    const invitation = state.invitations.get(ended[state.endedFrom]!)
    if (invitation !== undefined && endedAtOf(invitation) !== null) return invitation
    state.endedFrom++
  }
  startQueueAgain(state)
  return undefined
}

/** Empties the queue of ended invitations, keeping its room (popped, not truncated: a zero length store gives the array up and the next end allocates another). */
const startQueueAgain = (state: EngineState): void => {
  const { ended } = state
  while (ended.length > 0) ended.pop()
  state.endedFrom = 0
}

/** When a tombstone's retention is over. */
const removalAt = (state: EngineState, tombstone: Invitation): number => endedAtOf(tombstone)! + state.config.limits.retentionMs

/** The timer of a tombstone's removal (no deadline: the server's clock need not be read first). */
const removalTimer = (state: EngineState, tombstone: Invitation): Effect => ({ type: 'timer.set', key: tombstone.inviteID, at: removalAt(state, tombstone), deadline: false })

/** Arms the first tombstone's removal, if there is one. */
export const armRemoval = (state: EngineState, effects: Effect[]): void => {
  const first = firstTombstone(state)
  if (first !== undefined) effects.push(removalTimer(state, first))
}

/**
 * A tombstone's timer fired: removes every tombstone whose retention is over, from the first on,
 * and arms the removal of the first one left (the same one again when the timer fired early, a
 * fast local clock). Tombstones are queued in the order they ended; one that ended at an earlier
 * server time than the one before it (the clock read backwards) waits for that one, and an
 * invitation ended again after a revival is where it first ended: either is removed a little
 * late, never early.
 */
export const removeDue = (state: EngineState, now: number, effects: Effect[]): void => {
  for (let first = firstTombstone(state); first !== undefined; first = firstTombstone(state)) {
    if (now < removalAt(state, first)) return void effects.push(removalTimer(state, first))
    state.endedFrom++
    // Only the first tombstone has a timer, and it has just fired.
    dropInvitation(state, first, effects, true)
  }
}

/**
 * Past `maxEndedInvitations`, the oldest tombstones go early (a flood must not grow memory); what
 * they absorbed (late duplicates of their messages) is then caught by `forgottenUpTo`.
 */
const boundTombstones = (state: EngineState, now: number, effects: Effect[]): void => {
  let evicted = false
  while (state.ended.length - state.endedFrom > state.config.limits.maxEndedInvitations) {
    const invitation = firstTombstone(state)
    if (invitation === undefined) break
    state.endedFrom++
    const { inviteID } = invitation
    const { forgottenUpTo } = state
    forgottenUpTo.set(invitation.inviter, Math.max(forgottenUpTo.get(invitation.inviter) ?? Number.NEGATIVE_INFINITY, endedAtOf(invitation)!))
    // The first one dropped was the first tombstone, whose removal was armed.
    if (!evicted) effects.push({ type: 'timer.clear', key: inviteID, invitation })
    evicted = true
    dropInvitation(state, invitation, effects, true)
    effects.push({ type: 'diagnostic', diagnostic: { reason: 'limit-ended', detail: 'tombstone dropped before its retention was over', inviteID } })
  }
  if (evicted) armRemoval(state, effects)
  if (state.endedFrom > 1024 && state.endedFrom * 2 > state.ended.length) {
    state.ended = state.ended.slice(state.endedFrom)
    state.endedFrom = 0
  }
  if (evicted && state.forgottenUpTo.size >= state.sweepMarksAt) forgetOldWatermarks(state, now)
}

/**
 * Marks older than the retention period guard nothing: a message sent no later than one of them is
 * older than the retention period itself, and ignored as such. They are swept out when the table
 * has doubled since the last sweep (`EngineState.sweepMarksAt`), so it holds at most twice the marks
 * still young, and a sweep's cost is spread over the evictions that doubled it. Sweeping at every
 * eviction made a device flooded by many inviters (a live room's host taking hands raised by
 * thousands) read every mark per invitation, and the holes V8's `Map` keeps where marks were
 * deleted as well: past 60,000 inviters marked, about 30 µs an invitation where 4 µs did.
 */
const forgetOldWatermarks = (state: EngineState, now: number): void => {
  const marks = state.forgottenUpTo
  for (const [inviter, upTo] of marks) {
    if (upTo >= now - state.config.limits.retentionMs) continue
    marks.delete(inviter)
    state.revision++
  }
  state.sweepMarksAt = Math.max(marksSweptFrom, 2 * marks.size)
}

/**
 * The invitation {@link knownInvitation} found last, and the state holding it, until it is dropped
 * (the one place an invitation leaves its state). One of each per process: they stay reachable
 * from here until another lookup finds another, even once their device is closed.
 */
let lastFound: Invitation | undefined
let lastState: EngineState | undefined

/**
 * `state.invitations.get(inviteID)`, answered without a lookup when it is the invitation found
 * last: a group member's device gets the answers to one invitation one after another, and hashing
 * each message's own copy of the invite id was ~6 % of what an answer cost it (a comparison with
 * the invitation's copy reads the few bytes a hash would, and no table).
 */
export const knownInvitation = (state: EngineState, inviteID: string): Invitation | undefined => {
  if (lastState !== state || lastFound?.inviteID !== inviteID) {
    lastFound = state.invitations.get(inviteID)
    lastState = state
  }
  return lastFound
}

/**
 * Forgets an invitation, clearing its deadline's timer if it has one armed, unless `cleared` says
 * there is none to clear (it just fired, or the caller cleared it).
 */
const dropInvitation = (state: EngineState, invitation: Invitation, effects: Effect[], cleared = false): void => {
  const armed = !cleared && timersDue(state, invitation) !== 0
  state.invitations = withoutEntry(state.invitations, invitation.inviteID) // see `EngineState.invitations`
  if (lastFound === invitation) lastFound = lastState = undefined
  state.revision++
  if (endedAtOf(invitation) === null) {
    state.activeCount -= 1
    countActive(state, invitation.inviter, -1)
    trackOpenEnded(state, invitation, false)
  }
  if (armed) effects.push({ type: 'timer.clear', key: invitation.inviteID, invitation })
  if (state.config.trace) {
    effects.push({ type: 'trace.invitation', change: 'removed', inviteID: invitation.inviteID, invitees: inviteesOf(invitation) })
  }
}

/**
 * Keeps `state.activeByInviter` in step as an invitation of `inviter` starts or stops being active,
 * once the table is kept: while this party holds fewer active invitations than
 * `maxActivePerInviter`, no inviter can be at that cap, and the table is left empty: a device with
 * one invitation at a time spared four probes of it per 1:1 lifecycle (a read and a write when the
 * invitation is created, and again when it ends). The first time it holds that many, the table is
 * filled from the invitations (`restoreState` fills it too) and kept in step from then on; it
 * never empties again, which is how it tells it is kept.
 *
 * A count that falls to 0 stays, as 0, while the table is small: deleting a `Map`'s last entries
 * makes V8 shrink (reallocate) its table, and the inviter's next invitation would add the entry
 * back. Past {@link zeroCountsKept} entries zeros go, so a device that heard from many inviters
 * holds no more than that.
 *
 * Called once the invitation's change is in the state (it is in `state.invitations` or not, its
 * end is written, `activeCount` counts it or not), so a fill counts it as it now is.
 */
const countActive = (state: EngineState, inviter: string, delta: 1 | -1): void => {
  const counts = state.activeByInviter
  if (counts.size === 0) {
    if (state.activeCount < state.config.limits.maxActivePerInviter) return
    for (const invitation of state.invitations.values()) {
      if (endedAtOf(invitation) === null) counts.set(invitation.inviter, (counts.get(invitation.inviter) ?? 0) + 1)
    }
    return
  }
  const count = (counts.get(inviter) ?? 0) + delta
  if (count === 0 && counts.size > zeroCountsKept) counts.delete(inviter)
  else counts.set(inviter, count)
}
const zeroCountsKept = 64

/**
 * How many active invitations `inviter` has here, once `state.activeByInviter` is kept (see
 * {@link countActive}): it is whenever this party holds at least `maxActivePerInviter`.
 */
const activeFrom = (state: EngineState, inviter: string): number => state.activeByInviter.get(inviter) ?? 0

// -------------------------------------------------------------------------------------------------
// Open-ended invitations and the caps
// -------------------------------------------------------------------------------------------------

/**
 * Retiring is a local expiry brought forward: the invitees still pending become `timedOut` here,
 * silently (no callback, nothing sent), and the invitation is a tombstone like any ended one, so a
 * late copy of its invite does not ring again and a later answer or cancel still overrides it.
 */
const retire = (state: EngineState, invitation: Invitation, now: number, effects: Effect[]): void => {
  const fact: InviteeEvent = { type: 'timer.expired', actionID: '', data: '', userID: '', deviceID: '' }
  for (const invitee of pendingInvitees(invitation)) applyFact(state, invitation, inviteeIndex(invitation, invitee), fact, true, effects)
  const { inviteID } = invitation
  effects.push({ type: 'diagnostic', diagnostic: { reason: 'retired', detail: 'the oldest open-ended invitation gave way to a new one', inviteID } })
  settleActivity(state, invitation, now, effects)
}

/**
 * Makes room for one more active invitation, `inviter`'s when it comes from someone else (SPEC
 * §8): past `maxActivePerInviter` that inviter's oldest open-ended invitation is retired, past
 * `maxActiveInvitations` the oldest open-ended invitation of anyone (this user's own included).
 * Returns the cap still hit when only invitations with a deadline hold it (they end by themselves).
 */
export const makeRoom = (state: EngineState, inviter: string | undefined, now: number, effects: Effect[]): 'limit-inviter' | 'limit-active' | undefined => {
  const { limits } = state.config
  // No inviter holds more active invitations here than all of them together: below the per-inviter
  // cap in all, nobody is at it (and its counts are not kept).
  if (inviter !== undefined && state.activeCount >= limits.maxActivePerInviter) {
    while (activeFrom(state, inviter) >= limits.maxActivePerInviter) {
      const oldest = takeOldestOpenEnded(state, inviter)
      if (oldest === undefined) return 'limit-inviter'
      retire(state, oldest, now, effects)
    }
  }
  while (state.activeCount >= limits.maxActiveInvitations) {
    const oldest = takeOldestOpenEnded(state)
    if (oldest === undefined) return 'limit-active'
    retire(state, oldest, now, effects)
  }
  return undefined
}

// -------------------------------------------------------------------------------------------------
// Ringing and notifications
// -------------------------------------------------------------------------------------------------

/** Tells the app, or keeps the notification until the invitation's ring decision is made. */
export const notify = (invitation: Invitation, notification: Notification, effects: Effect[]): void => {
  if (isPresented(invitation)) effects.push({ type: 'notify', notification })
  // The caller has changed the state already.
  else if (invitation.extras.deferred.length === 0) writableExtras(invitation).deferred = [notification]
  else invitation.extras.deferred.push(notification)
}

/**
 * Whether an arriving invitation rings here: its deadline has not passed and, for an invitee's
 * device, that invitee is still pending; a group member that is not invited is shown it while
 * anyone is pending. The inviter's other devices hold a 1:1 invitation silently, and the device
 * that sent it never rings for it.
 */
const rings = (state: EngineState, invitation: Invitation, now: number): boolean => {
  if (sentHere(invitation)) return false
  const deadline = answerDeadline(state, invitation)
  if (deadline !== undefined && now >= deadline) return false
  const mine = ownInviteeIndex(state, invitation)
  if (mine >= 0) return isAnswerable(invitation, mine)
  return groupOf(invitation) !== '' && pendingCountOf(invitation) > 0
}

/**
 * Makes the ring decision once the device is caught up (a device still catching up may yet
 * receive the cancel), then releases the notifications held until it.
 */
export const present = (state: EngineState, invitation: Invitation, now: number, effects: Effect[]): void => {
  if (isPresented(invitation) || !state.connected) return
  invitation.flags |= PRESENTED
  state.revision++
  const { extras } = invitation
  const { shownData } = extras
  if (shownData !== undefined) extras.shownData = undefined
  const rang = rings(state, invitation, now)
  // A restored app saw the invitation before the restart: data changed meanwhile is news even
  // when the invitation no longer rings (its deadline passed, or this invitee had answered).
  if (!rang && shownData !== undefined && shownData !== invitation.data) {
    effects.push({ type: 'notify', notification: { type: 'onInvitationModified', inviteID: invitation.inviteID, data: invitation.data } })
  }
  if (rang) {
    effects.push({
      type: 'notify',
      notification: {
        type: 'onReceiveNewInvitation',
        inviteID: invitation.inviteID,
        inviter: invitation.inviter,
        groupID: groupOf(invitation),
        inviteeList: inviteesOf(invitation),
        data: invitation.data,
      },
    })
  }
  if (extras.deferred.length === 0) return
  for (const notification of extras.deferred) effects.push({ type: 'notify', notification })
  // Written only when something waited: the shared extras are never written.
  extras.deferred = nothingYet
}
