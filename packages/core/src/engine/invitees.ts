/**
 * The hot path: one fact applied to one invitee through the compiled invitee machine, and the
 * bookkeeping around it (the derived invitee index, the pending count, what the app must hear).
 *
 * @module
 */
import { compiledInviteeMachine as machine, fireInPlace } from '../machine/compile.js'
import type { Decision, InviteeEvent, InviteeState } from '../machine/inviteeMachine.js'
import type { Effect } from './io.js'
import { buildInviteeIndex, positionIn, type InviteeIndex } from './inviteeIndex.js'
import { writableDecisions, writableStates, type EngineState, type Invitation } from './state.js'

// -------------------------------------------------------------------------------------------------
// Derived index
// -------------------------------------------------------------------------------------------------

/** Built on first use per invitation; not part of the state, so not saved. */
const indexes = new WeakMap<Invitation, InviteeIndex>()

/**
 * Up to this many invitees a scan is as quick as a probe of the index (ids of one length differ in
 * a few characters), and it spares building the index and storing it in the `WeakMap`, whose
 * insertion cost more than the group's answers' lookups (a CPU profile of groups of 10).
 */
const SCANNED_UP_TO = 16

/** The invitee's index in `invitation.invitees`, or -1. */
export const inviteeIndex = (invitation: Invitation, userID: string): number => {
  const { invitees } = invitation
  if (invitees.length <= SCANNED_UP_TO) return invitees.indexOf(userID)
  let index = indexes.get(invitation)
  if (index === undefined) {
    index = buildInviteeIndex(invitees)
    indexes.set(invitation, index)
  }
  return positionIn(index, invitees, userID)
}

/**
 * This user's own position in the invitation, or -1: a scan until the index exists, which spares
 * building it for the lookups a member's device makes of itself (its deadline, the ring decision,
 * its own answer). With `audience: 'inviter'` nobody else's answer reaches a member's device, so
 * building the index there hashed every invitee at every member: N² over a room of N. Three or
 * four scans of the list cost less than hashing it once; the index comes with the first lookup
 * of someone else.
 */
export const ownInviteeIndex = (state: EngineState, invitation: Invitation): number => {
  const { invitees } = invitation
  const me = state.config.userID
  const index = invitees.length <= SCANNED_UP_TO ? undefined : indexes.get(invitation)
  return index === undefined ? invitees.indexOf(me) : positionIn(index, invitees, me)
}

// -------------------------------------------------------------------------------------------------
// Reading
// -------------------------------------------------------------------------------------------------

export const initialInviteeState = machine.initial

export const stateName = (invitation: Invitation, i: number): InviteeState =>
  machine.states[invitation.states[i] ?? machine.initial]!

export const isAnswerable = (invitation: Invitation, i: number): boolean =>
  machine.answerable[invitation.states[i] ?? machine.initial] === true

export const decisionOf = (invitation: Invitation, i: number): Decision | null => invitation.decisions[i] ?? null

/** The invitees still answerable, in invitation order. */
export const pendingInvitees = (invitation: Invitation): string[] => {
  if (invitation.pendingCount === 0) return []
  return invitation.invitees.filter((_, i) => isAnswerable(invitation, i))
}

// -------------------------------------------------------------------------------------------------
// Applying a fact
// -------------------------------------------------------------------------------------------------

/** What applying a fact did. */
export type Applied =
  /** The invitee's decision changed; `reported` says whether the app must hear of it. */
  | { readonly kind: 'changed'; readonly reported: boolean }
  /** The same fact again. */
  | { readonly kind: 'duplicate' }
  /** A fact that lost to the current decision. */
  | { readonly kind: 'outranked' }

const DUPLICATE: Applied = { kind: 'duplicate' }
const OUTRANKED: Applied = { kind: 'outranked' }
const CHANGED_REPORTED: Applied = { kind: 'changed', reported: true }
const CHANGED_SILENT: Applied = { kind: 'changed', reported: false }

/**
 * Whether the app must hear of a change from (`from`, `before`) to (`to`, `after`): a new outcome,
 * or the same outcome with other `data` (timeouts carry none). A change of answering device alone
 * is not news to the app.
 */
const isNews = (from: number, before: Decision | null, to: number, after: Decision): boolean => {
  if (from !== to || before === null) return true
  return machine.states[to] !== 'timedOut' && before.data !== after.data
}

/** The invitee's context while the machine runs a fact (reused: the machine keeps nothing). */
const current: { decision: Decision | null } = { decision: null }

/**
 * Applies `event` to invitee `i`: the compiled machine decides; the state and decision are
 * updated in place, the pending count kept, and a trace effect emitted when tracing.
 *
 * @param silent the fact is this device's own command: the app learns from its promise.
 */
export const applyFact = (
  state: EngineState,
  invitation: Invitation,
  i: number,
  event: InviteeEvent,
  silent: boolean,
  effects: Effect[],
): Applied => {
  // Read from the invitation's own lists, made first: a fact about an invitee still in the
  // shared empty list (`nothingYet`) always applies (nothing outranks it yet), and reading past
  // the end of that frozen list sent this load, for every later answer too, through V8's generic
  // keyed-load path (4 % of a group answer's step in a CPU profile).
  const states = writableStates(invitation)
  const decisions = writableDecisions(invitation)
  const before = decisions[i] ?? null
  // An invitee without a decision is in the initial state (the two change together, here and in
  // `undoFact`), so its state is not read: in a big group, most answers are an invitee's first,
  // and the read was a cache miss on a column as large as the group.
  const from = before === null ? machine.initial : (states[i] ?? machine.initial)
  current.decision = before
  const to = fireInPlace(machine, from, current, event)
  if (to < 0) return before !== null && before.actionID === event.actionID ? DUPLICATE : OUTRANKED
  const after = current.decision
  state.revision++
  states[i] = to
  decisions[i] = after
  const wasAnswerable = machine.answerable[from] === true
  const isNowAnswerable = machine.answerable[to] === true
  if (wasAnswerable !== isNowAnswerable) invitation.pendingCount += isNowAnswerable ? 1 : -1
  if (state.config.trace) {
    effects.push({
      type: 'trace',
      inviteID: invitation.inviteID,
      invitee: invitation.invitees[i]!,
      event,
      state: machine.states[to]!,
    })
  }
  return !silent && after !== null && isNews(from, before, to, after) ? CHANGED_REPORTED : CHANGED_SILENT
}

/**
 * Puts invitee `i` back to its initial state and re-applies `facts` (used when the IM refused this
 * device's own command: its optimistic fact never happened). Returns whether the invitee is
 * decided afterwards, i.e. whether the app has an outcome to hear of.
 */
export const undoFact = (
  state: EngineState,
  invitation: Invitation,
  i: number,
  facts: readonly Decision[],
  effects: Effect[],
): boolean => {
  const from = invitation.states[i] ?? machine.initial
  state.revision++
  writableStates(invitation)[i] = machine.initial
  writableDecisions(invitation)[i] = null
  if (machine.answerable[from] !== true && machine.answerable[machine.initial] === true) invitation.pendingCount += 1
  if (state.config.trace) effects.push({ type: 'trace.invitation', change: 'reset', inviteID: invitation.inviteID, invitees: [invitation.invitees[i]!] })
  for (const fact of facts) applyFact(state, invitation, i, fact, true, effects)
  return invitation.decisions[i] != null
}
