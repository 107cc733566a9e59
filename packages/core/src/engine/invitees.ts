/**
 * The hot path: one fact applied to one invitee through the compiled invitee machine, and the
 * bookkeeping around it (the derived invitee index, the pending count, what the app must hear).
 *
 * @module
 */
import { compiledInviteeMachine as machine, fireInPlace } from '../machine/compile.js'
import { inviteeEventTypes, type Decision, type InviteeEvent, type InviteeEventType, type InviteeState } from '../machine/inviteeMachine.js'
import type { Effect } from './io.js'
import { buildInviteeIndex, positionIn, type InviteeIndex } from './inviteeIndex.js'
import { decidableStates, inviteesOf, pendingCountOf, positionOf, writableDecisions, writableStates, type DecisionSlot, type EngineState, type Invitation } from './state.js'

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

/**
 * The index looked up last and its invitation: a group's answers come one after another, and
 * each probed the `WeakMap` by its invitation. Holds one invitation past its end at most, as
 * `knownInvitation` does.
 */
let lastIndexed: Invitation | undefined
let lastIndex: InviteeIndex | undefined

/** The invitee's index in `inviteesOf(invitation)`, or -1. */
export const inviteeIndex = (invitation: Invitation, userID: string): number => {
  const invitees = inviteesOf(invitation)
  if (invitees.length <= SCANNED_UP_TO) return positionOf(invitees, userID)
  if (lastIndexed !== invitation) {
    lastIndex = indexes.get(invitation)
    if (lastIndex === undefined) indexes.set(invitation, (lastIndex = buildInviteeIndex(invitees)))
    lastIndexed = invitation
  }
  return positionIn(lastIndex!, invitees, userID)
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
  const invitees = inviteesOf(invitation)
  const me = state.config.userID
  const index = invitees.length <= SCANNED_UP_TO ? undefined : indexes.get(invitation)
  return index === undefined ? positionOf(invitees, me) : positionIn(index, invitees, me)
}

// -------------------------------------------------------------------------------------------------
// Reading
// -------------------------------------------------------------------------------------------------

// -------------------------------------------------------------------------------------------------
// Codes: an invitee's state and what its decision entries hold, in one small number
// -------------------------------------------------------------------------------------------------

/** The low bits of an invitee's code: its state's index in the compiled machine. */
const STATE_MASK = 7
/** Above them: 0 undecided, `rank + 1` a fact laid out in entries, {@link WHOLE} a fact kept whole. */
const KIND_SHIFT = 3
const WHOLE = 7

// A fresh code list is zeros (`writableStates`): every invitee in the initial state, undecided.
if (machine.initial !== 0 || machine.states.length > STATE_MASK + 1 || inviteeEventTypes.length >= WHOLE) throw new Error('invitee codes do not fit the machine')

/**
 * Invitee `i`'s code. An invitation whose list is still the shared, frozen `nothingYet` has every
 * invitee at 0; the length is checked rather than read past the end, which sends the load through
 * V8's generic path (about 3 % of an invitee's 1:1 lifecycle in a CPU profile).
 */
const codeAt = (invitation: Invitation, i: number): number => {
  const states = invitation.extras.states
  return i < states.length ? states[i]! : 0
}

/** Invitee `i`'s state number. */
const stateAt = (invitation: Invitation, i: number): number => codeAt(invitation, i) & STATE_MASK

export const stateName = (invitation: Invitation, i: number): InviteeState => machine.states[stateAt(invitation, i)]!

export const isAnswerable = (invitation: Invitation, i: number): boolean => machine.answerable[stateAt(invitation, i)] === true

/** The invitee's decision, or `null` while undecided: built from its code and entries (see {@link storeDecision}). */
export const decisionOf = (invitation: Invitation, i: number): Decision | null => decisionAt(invitation, codeAt(invitation, i) >> KIND_SHIFT, i)

// -------------------------------------------------------------------------------------------------
// Decisions, laid out flat
// -------------------------------------------------------------------------------------------------

/**
 * Who sent a fact of each type, as the invitation tells: the inviter's cancel and timeout come
 * from the inviter, an invitee's answer or timeout from that invitee, a local expiry from nobody.
 */
const INVITER = 0
const INVITEE = 1
const NOBODY = 2
const senderByRank: readonly number[] = inviteeEventTypes.map((type) =>
  type === 'timer.expired' ? NOBODY : type.startsWith('inviter.') ? INVITER : INVITEE,
)
const rankOf = Object.fromEntries(inviteeEventTypes.map((type, rank) => [type, rank])) as Readonly<Record<InviteeEventType, number | undefined>>

const impliedUser = (invitation: Invitation, i: number, rank: number): string => {
  const sender = senderByRank[rank]
  return sender === INVITER ? invitation.inviter : sender === INVITEE ? inviteesOf(invitation)[i]! : ''
}

/**
 * Keeps `decision` as invitee `i`'s in `slots` and returns the kind its code records: its action
 * id in the invitee's entry, its data and its device in the data and devices entries
 * ({@link storeShared}), its type's rank in the code, its user id left to the type to imply.
 * A decision per answer kept as an object of its own (64 bytes) was two thirds of what a
 * million-member group's answers left for the collector to promote (96 bytes an answer against 32
 * for a loop keeping only the answer's action id), and an entry for the rank a third of what its
 * first answer wrote; an answer with data kept its object until the data column, a third of what
 * a group member's device promoted per answer. A decision the layout does not fit keeps its
 * object in its entry: one whose user the type does not imply (restored from an unusual
 * snapshot, an invitee timed out by another member).
 */
const storeDecision = (invitation: Invitation, slots: DecisionSlot[], i: number, decision: Decision | null): number => {
  const n = inviteesOf(invitation).length
  const rank = decision === null ? undefined : rankOf[decision.type]
  const whole = decision === null || rank === undefined || decision.userID !== impliedUser(invitation, i, rank)
  slots[i] = whole ? decision : decision.actionID
  if (whole) return decision === null ? 0 : WHOLE
  // The answers to one invitation often carry the same data (an app's own constant, or the
  // invitation's room echoed): the copy kept last is kept again, and each message's own dies young.
  const { data } = decision
  storeShared(slots, n, n, i, data === lastData ? lastData : (lastData = data))
  storeShared(slots, n + 1, n, i, decision.deviceID)
  return rank + 1
}

/**
 * Keeps `value` as invitee `i`'s in entry `at` of `slots` (the data entry, or the devices entry
 * after it): the one value every decision laid out so far had, kept once, until a decision has
 * another; then a column by invitee index, every entry so far that one value. An entry per
 * invitee for its device from the first answer on made the list twice as long (16 MB, all of it
 * written when it is made, for a million invitees whose answers came from one kind of device);
 * a column of data for a 1,000-member group whose answers all echoed the invitation's data was
 * 8 KB more of what each ended invitation left for the collector to copy. Where every answer has
 * a value of its own, the column costs what that entry did, from the second answer on.
 */
const storeShared = (slots: DecisionSlot[], at: number, n: number, i: number, value: string): void => {
  const kept = slots[at]
  // `undefined` and the type first: a comparison of `kept` with `value` before them saw an
  // entry of any kind and called V8's generic equality (twice a decision).
  if (kept === undefined) slots[at] = value
  else if (typeof kept !== 'string') (kept as string[])[i] = value
  else if (kept !== value) (slots[at] = new Array<string>(n).fill(kept))[i] = value
}

/** The data {@link storeDecision} kept last (only ever compared with, and kept again in its place). */
let lastData = ''

/** Invitee `i`'s value in entry `at` of `slots`, which {@link storeShared} kept for its decision. */
const sharedAt = (slots: readonly DecisionSlot[], at: number, i: number): string => {
  const kept = slots[at] as string | string[]
  return typeof kept === 'string' ? kept : kept[i]!
}

/** Invitee `i`'s decision, whose code has the kind `kind`. */
const decisionAt = (invitation: Invitation, kind: number, i: number): Decision | null => {
  if (kind === 0) return null
  const slots = invitation.extras.decisions
  if (kind === WHOLE) return slots[i] as Decision
  const rank = kind - 1
  return {
    type: inviteeEventTypes[rank]!,
    actionID: slots[i] as string,
    data: sharedAt(slots, inviteesOf(invitation).length, i),
    userID: impliedUser(invitation, i, rank),
    deviceID: decidedDevice(invitation, i),
  }
}

/**
 * What a view shows of invitee `i`'s decision: the type that decided it (`null` while undecided),
 * its data and the device it came from, read from the code and entries without building a
 * `Decision`. A notification's view reads every invitee's: building one object each made a
 * 10-member group's answer about a third slower.
 */
export const decidedType = (invitation: Invitation, i: number): InviteeEventType | null => {
  const kind = codeAt(invitation, i) >> KIND_SHIFT
  return kind === 0 ? null : kind === WHOLE ? (invitation.extras.decisions[i] as Decision).type : inviteeEventTypes[kind - 1]!
}

/** The data of invitee `i`'s decision (`''` while undecided); see {@link decidedType}. */
export const decidedData = (invitation: Invitation, i: number): string => {
  const kind = codeAt(invitation, i) >> KIND_SHIFT
  const { decisions } = invitation.extras
  return kind === 0 ? '' : kind === WHOLE ? (decisions[i] as Decision).data : sharedAt(decisions, inviteesOf(invitation).length, i)
}

/** The device of invitee `i`'s decision (`''` while undecided; see {@link storeShared}); see {@link decidedType}. */
export const decidedDevice = (invitation: Invitation, i: number): string => {
  const kind = codeAt(invitation, i) >> KIND_SHIFT
  const { decisions } = invitation.extras
  return kind === 0 ? '' : kind === WHOLE ? (decisions[i] as Decision).deviceID : sharedAt(decisions, inviteesOf(invitation).length + 1, i)
}

/** How many states the invitee machine has: a snapshot saves each invitee's as an index below it ({@link savedStates}). */
export const inviteeStateCount = machine.states.length

/** The states as a snapshot saves them: a state index per invitee, none while nobody is decided. */
export const savedStates = (invitation: Invitation): number[] => {
  const { states } = invitation.extras
  return states.length === 0 ? [] : Array.from(states, (code) => code & STATE_MASK)
}

/** The decisions as a snapshot saves them: a `Decision` or `null` per invitee, none while nobody is decided. */
export const savedDecisions = (invitation: Invitation): (Decision | null)[] =>
  invitation.extras.decisions.length === 0 ? [] : inviteesOf(invitation).map((_, i) => decisionOf(invitation, i))

/**
 * Enters `invitation`'s saved `states` and `decisions` (older snapshots end either list at the
 * last invitee out of the initial state, or decided), which it must not have yet. A snapshot's
 * records are checked by nothing but the machine's guard, as before they were laid out flat: one
 * with other fields than a fact's five, or fields that are not strings, is kept whole, as it came.
 */
export const restoreInvitees = (invitation: Invitation, states: readonly number[], saved: readonly unknown[]): void => {
  if (states.length === 0 && saved.length === 0) return
  const codes = writableStates(invitation)
  const n = inviteesOf(invitation).length
  for (let i = 0; i < states.length && i < n; i++) codes[i] = states[i]! // each one checked by restoreState
  if (saved.length === 0) return
  const slots = writableDecisions(invitation)
  for (let i = 0; i < saved.length && i < n; i++) {
    const decision = (saved[i] ?? null) as Decision | null
    let kind: number
    if (decision === null || (Object.keys(decision).length === 5 && Object.values(decision).every((field) => typeof field === 'string'))) {
      kind = storeDecision(invitation, slots, i, decision)
    } else {
      slots[i] = decision
      kind = WHOLE
    }
    codes[i] = (codes[i]! & STATE_MASK) | (kind << KIND_SHIFT)
  }
}

/** The invitees still answerable, in invitation order. */
export const pendingInvitees = (invitation: Invitation): string[] => {
  if (pendingCountOf(invitation) === 0) return []
  return inviteesOf(invitation).filter((_, i) => isAnswerable(invitation, i))
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
  const states = decidableStates(invitation)
  const code = states[i]!
  // Built only for an invitee decided already (a duplicate, or a fact that may outrank it). An
  // invitee without a decision is in the initial state (the two change together, here and in
  // `undoFact`): in a big group, most answers are an invitee's first, and read nothing but its code.
  const before = code >> KIND_SHIFT === 0 ? null : decisionAt(invitation, code >> KIND_SHIFT, i)
  const from = before === null ? machine.initial : code & STATE_MASK
  current.decision = before
  const to = fireInPlace(machine, from, current, event)
  if (to < 0) return before !== null && before.actionID === event.actionID ? DUPLICATE : OUTRANKED
  const after = current.decision
  state.revision++
  states[i] = to | (storeDecision(invitation, writableDecisions(invitation), i, after) << KIND_SHIFT)
  const wasAnswerable = machine.answerable[from] === true
  const isNowAnswerable = machine.answerable[to] === true
  // Both lists are the invitation's own by now, and so are its extras.
  if (wasAnswerable !== isNowAnswerable) invitation.extras.settled += isNowAnswerable ? -1 : 1
  if (state.config.trace) {
    effects.push({
      type: 'trace',
      inviteID: invitation.inviteID,
      invitee: inviteesOf(invitation)[i]!,
      // A copy: a received answer's fact is refilled by the next answer (`receive.ts`).
      event: { ...event },
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
  const from = stateAt(invitation, i)
  state.revision++
  writableStates(invitation)[i] = storeDecision(invitation, writableDecisions(invitation), i, null)
  if (machine.answerable[from] !== true && machine.answerable[machine.initial] === true) invitation.extras.settled -= 1
  if (state.config.trace) effects.push({ type: 'trace.invitation', change: 'reset', inviteID: invitation.inviteID, invitees: [inviteesOf(invitation)[i]!] })
  for (const fact of facts) applyFact(state, invitation, i, fact, true, effects)
  return codeAt(invitation, i) >> KIND_SHIFT !== 0
}
