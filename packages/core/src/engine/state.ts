/**
 * The engine's state: plain data (objects, arrays, strings, numbers, and `Map`s keyed by ids),
 * which `snapshotOf` saves as JSON and `restoreState` rebuilds. Lookup indexes are derived caches
 * kept outside it.
 *
 * Everything keyed by an id from the network or a fresh id is a `Map`, never a dictionary object:
 * V8 interns each new key of an object as a property name (about 480 ns an add or lookup of a
 * fresh id, against about 140 ns for a `Map`, measured on a 1:1 step), and a `Map` cannot reach
 * `Object.prototype` whatever the id.
 *
 * `step` owns the state it is given and updates it in place (a group invitation answered by a
 * million invitees must not be copied per answer); keep a `structuredClone` to hold an old one.
 * Such a copy steps as the state it was taken from would, apart from it (a law in `step.test.ts`).
 *
 * @module
 */
import type { Decision } from '../machine/inviteeMachine.js'
import type { Conversation, IncomingMessage, SendOptions } from '../ports.js'
import type { Envelope } from '../wire/envelope.js'
import type { Notification } from './io.js'

// -------------------------------------------------------------------------------------------------
// Configuration
// -------------------------------------------------------------------------------------------------

/** Bounds that keep one party's memory finite whatever others send. */
export interface Limits {
  /** Invitees per invitation (invite, inviteInGroup and arriving invites). */
  readonly maxInvitees: number
  /**
   * Active (some invitee pending) invitations this party holds at once. Past it the oldest
   * open-ended (timeout 0) invitation is retired; only invitations with a deadline refuse new ones.
   */
  readonly maxActiveInvitations: number
  /**
   * Active invitations from any one other inviter: one flooding sender cannot fill the rest. Past
   * it that inviter's oldest open-ended invitation is retired; only its invitations with a
   * deadline refuse a new one.
   */
  readonly maxActivePerInviter: number
  /** Ended invitations kept as tombstones; past it the oldest go before their retention is over. */
  readonly maxEndedInvitations: number
  /** Messages held for invitations not yet known, over all invitations. */
  readonly maxHeldMessages: number
  /** How long an ended invitation is kept to absorb late messages; also the age past which messages are ignored. */
  readonly retentionMs: number
}

export const defaultLimits: Limits = {
  maxInvitees: 10_000,
  maxActiveInvitations: 1_000,
  maxActivePerInviter: 100,
  maxEndedInvitations: 10_000,
  maxHeldMessages: 10_000,
  retentionMs: 10 * 60_000,
}

export interface EngineConfig {
  readonly userID: string
  readonly deviceID: string
  readonly limits: Limits
  /** Emit `trace` effects for every invitee transition (for the Stately inspector). */
  readonly trace: boolean
  /** The transport's largest payload in bytes (`ImTransport.maxPayloadBytes`), if it has one. */
  readonly maxPayloadBytes?: number
}

// -------------------------------------------------------------------------------------------------
// Invitations
// -------------------------------------------------------------------------------------------------

/** One invitation as this party holds it. */
export interface Invitation {
  readonly inviteID: string
  readonly inviter: string
  /** The invite's data, as last modified. */
  data: string
  readonly timeout: number
  /**
   * Server time at which the server took the invite (every deadline counts from here), as
   * milliseconds after the state's {@link EngineState.epoch}: read it with `takenAtOf`. A server
   * time itself is too large for a small integer, and V8 keeps a field of such numbers in a
   * 16-byte box of its own per invitation; a time near the epoch is kept in the field itself.
   */
  taken: number
  /**
   * {@link SENT_HERE}, {@link PRESENTED}, {@link PROVISIONAL}, {@link ONLINE_ONLY} and
   * {@link TO_INVITER}, one bit each (read with {@link sentHere}, {@link isPresented},
   * {@link isProvisional}, {@link isOnlineOnly}, {@link audienceOf}), and above them the shell's
   * timer slot ({@link timerSlotOf}): fields of their own were 8 bytes each more of every
   * invitation. Snapshots save the bits as booleans (`audience: 'inviter'` for the last), and
   * not the slot.
   */
  flags: number
  /** The IM's id of the invite message, for modify (XEP-0308 replaces it). */
  inviteMessageID: string
  /**
   * Its invitees, and what a pending 1:1 invitation that no fact has touched yet does not have:
   * extras shared by every such invitation to the same invitee ({@link extrasFor}) until one of
   * its fields is set, through `writableExtras` (or `writableStates`, `writableDecisions`), or its
   * own from the start for a group invitation. A field each in the invitation was 8 bytes more
   * of every pending one.
   */
  extras: Extras
}

/** An invitation's invitees, and what a pending, untouched 1:1 invitation does not have (see {@link Invitation.extras}). */
export interface Extras {
  /** Whether these are the extras {@link extrasFor} shares (frozen): the first write makes the invitation its own. */
  readonly shared: boolean
  /** `''` for 1:1 (read {@link groupOf}): a group invitation has extras of its own from the start. */
  readonly groupID: string
  /** Read with {@link inviteesOf}; never changed, so a one-invitee list is shared like the extras. */
  readonly invitees: readonly string[]
  /**
   * A small number per invitee, laid out by `engine/invitees.ts`: the invitee machine's state
   * index, and what the invitee's {@link decisions} entries hold (nothing yet, a fact of some type,
   * or a fact kept whole). {@link nothingYet} until the first invitee is decided
   * (`writableStates`): every invitee is then in the initial state, undecided.
   */
  states: InviteeCodes
  /**
   * The winning fact per invitee, an entry per invitee index and two last ones for their data and
   * devices, laid out by `engine/invitees.ts` (read one with its `decisionOf`);
   * {@link nothingYet} until the first invitee is decided (`writableDecisions`).
   */
  decisions: DecisionSlot[]
  /**
   * How many invitees are in no answerable state (derived from `states`, kept for O(1) reads of
   * {@link pendingCountOf}): 0, as in the shared extras, while every invitee is in the initial state.
   */
  settled: number
  /** Server time at which no invitee was pending any more; `null` while active (read {@link endedAtOf}). */
  endedAt: number | null
  /** The modification whose data this is, `null` for the invite's own (see `modifications.ts`). */
  dataVersion: DataVersion | null
  /** {@link nothingYet} until a notification waits for the ring decision. */
  deferred: Notification[]
  /**
   * A restored invitation waiting for its ring decision again: the data the app was last told of,
   * so that it hears of a modification that arrived meanwhile even if the invitation no longer rings.
   */
  shownData: string | undefined
}

/** Bit of {@link Invitation.flags}: this device sent the invite: it owns the inviter's `+ 5 s` timeout. */
export const SENT_HERE = 1
/** Bit of {@link Invitation.flags}: the ring decision is made (rung or not); until then notifications wait in `deferred`. */
export const PRESENTED = 2
/** Bit of {@link Invitation.flags}: `taken` is a guess (inserted by `addInvitedSignaling` without a server time, or restored from an invite in flight). */
export const PROVISIONAL = 4

/** Bit of {@link Invitation.flags}: the invitation is online-only (`onlineUserOnly`); its follow-ups go online-only too. */
export const ONLINE_ONLY = 8
/** Bit of {@link Invitation.flags}: a group invitation's answers go to the inviter alone (audience `'inviter'`, see `audience.ts`). */
export const TO_INVITER = 16

/** The bits of {@link Invitation.flags} that are the engine's; the rest are the timer slot's. */
const FLAG_BITS = 31
const SLOT_SHIFT = 5

/**
 * The shell's number for the invitation's armed timer (see `facade/deadlines.ts`), `-1` when none:
 * the engine never reads it and snapshots do not save it. Kept in the invitation, where the
 * timer's key (the invite id) finds it anyway, rather than in a table of the shell's keyed by
 * invite id, and in bits of `flags` rather than in a field of its own (the shell's record numbers
 * stay far below the 2^26 the bits above the flags hold: there are at most about twice as many
 * records as live deadlines, which the caps on invitations bound).
 */
export const timerSlotOf = (invitation: Invitation): number => (invitation.flags >> SLOT_SHIFT) - 1

/** Sets the shell's timer slot (see {@link timerSlotOf}); the engine's flags are left as they are. */
export const setTimerSlot = (invitation: Invitation, slot: number): void => {
  invitation.flags = (invitation.flags & FLAG_BITS) | ((slot + 1) << SLOT_SHIFT)
}

/** Whether this device sent the invite. */
export const sentHere = (invitation: Invitation): boolean => (invitation.flags & SENT_HERE) !== 0
/** Whether the invitation's ring decision is made. */
export const isPresented = (invitation: Invitation): boolean => (invitation.flags & PRESENTED) !== 0
/** Whether the invitation's `taken` is a guess. */
export const isProvisional = (invitation: Invitation): boolean => (invitation.flags & PROVISIONAL) !== 0
/** Whether the invitation is online-only. */
export const isOnlineOnly = (invitation: Invitation): boolean => (invitation.flags & ONLINE_ONLY) !== 0
/** Who hears the invitation's answers: the group's members (`'all'`, Tencent's way) or the `'inviter'` alone. */
export const audienceOf = (invitation: Invitation): 'all' | 'inviter' => ((invitation.flags & TO_INVITER) !== 0 ? 'inviter' : 'all')

/**
 * A modification's rank: `[serverTime, actionID, seq]` (see `modifications.ts`). `seq` is the
 * sequence number of beckon's extension, 0 for another client's (and absent in older snapshots).
 */
export type DataVersion = [serverTime: number, actionID: string, seq?: number]

/** A message about an invitation this party does not know yet (it overtook its invite). */
export interface HeldMessage {
  readonly message: IncomingMessage
  readonly envelope: Envelope
}

/** A command whose message is on its way to the IM server. */
export interface InFlight {
  readonly commandID: string
  /** `app`: settles a caller's promise; `engine`: a timeout the engine sent on its own. */
  readonly origin: 'app' | 'engine'
  readonly to: Conversation
  readonly envelope: Envelope
  readonly options: SendOptions
  /** For modify: the message replaced. */
  readonly replaces?: string
  /** Server time when the command was issued (a restored invite's provisional start). */
  readonly issuedAt: number
  /** Invitees the command decided at send time, by index (undone if the IM refuses it). */
  readonly decided: number[]
  /**
   * Facts that arrived for those invitees while in flight and lost to the command's own, by
   * invitee index (keys the engine computes, so an ordinary object is safe here).
   */
  overruled: Record<string, Decision[]>
}

/** Everything one party (one device) knows. */
export interface EngineState {
  readonly config: EngineConfig
  /**
   * Counts changes to the state (not saved): `step` reports whether an input changed anything by
   * comparing it, so the app saves snapshots only when there is something new.
   */
  revision: number
  /** Caught up with the IM: timers may act and invitations may ring. */
  connected: boolean
  /**
   * By invite id, ended ones (tombstones) included. A fresh `Map` whenever the last one leaves it,
   * for the reason `inFlight` is one: on a device whose tombstones go when their retention is over,
   * a promoted table made every later one old, each keeping the invitations it held alive through
   * young collections.
   */
  invitations: Map<string, Invitation>
  /**
   * The server time the invitations' `taken` counts from: moved to the new invitation's time when
   * there is none, and every `taken` with it when one would be more than about twelve days away
   * (see `sinceEpoch`). Not saved: snapshots save each invitation's server time.
   */
  epoch: number
  /** How many invitations have an invitee pending (derived from them, kept for O(1) reads). */
  activeCount: number
  /**
   * Active invitations per inviter, for `maxActivePerInviter`: derived from the invitations and not
   * saved (`restoreState` counts them again). Empty, and not kept, until this party first holds
   * `maxActivePerInviter` active invitations (below that no inviter can be at the cap); filled then,
   * and kept from then on (`countActive` in `lifecycle.ts`). Kept here rather than in a `WeakMap`
   * beside the state, which cost a lookup per invitation created or ended.
   */
  readonly activeByInviter: Map<string, number>
  /**
   * Ended invitations, oldest end first, from index `endedFrom` on: the queue tombstones are
   * removed in (only the first has a timer, its removal: `lifecycle.ts`) and dropped early from
   * past `maxEndedInvitations`. Entries of invitations removed or revived since are skipped when
   * they come up.
   */
  ended: string[]
  endedFrom: number
  /**
   * Per inviter, the latest end of an invitation whose tombstone went early (past
   * `maxEndedInvitations`): a message about an unknown invitation of that inviter, sent no later,
   * may be a late copy of one about a forgotten invitation, so it is dropped rather than rung again
   * or held. (Only a flood forces tombstones out early; what it costs is that a genuinely new but
   * much delayed invite from the same inviter is dropped too.)
   */
  readonly forgottenUpTo: Map<string, number>
  /**
   * The size `forgottenUpTo` may reach before its old marks are swept out: twice what was left after
   * the last sweep, and no less than {@link marksSweptFrom}. Not saved (a restored state starts from
   * the least).
   */
  sweepMarksAt: number
  /** By invite id, in arrival order. */
  readonly held: Map<string, HeldMessage[]>
  heldCount: number
  /**
   * By invite id, the sender and action id of each message held for it, which a new message is
   * checked against for a copy. Made when a second message arrives for the invitation (from its
   * list, so also after a restore: not saved), dropped with the list.
   */
  readonly heldKeys: Map<string, Set<string>>
  /**
   * By send id (the action id). `snapshotOf` saves its entries as a list. A fresh `Map` whenever
   * a receipt empties it: V8 rehashes a `Map` into the generation of the table it replaces, and a
   * replaced table keeps pointing at the entries it held, so a long-lived table of sends made every
   * later table in the old generation, and each one it left behind kept its entries (envelopes and
   * what they reach) alive through young collections until a full one.
   */
  inFlight: Map<string, InFlight>
  /** Timeouts the engine sent on its own that the IM refused; sent again on reconnect. */
  outbox: InFlight[]
  /**
   * The extras, and in them the one-invitee list, shared by the untouched 1:1 invitations that
   * name the same invitee (at an invitee's device, every one names this user): a list of its own
   * per invitation was about 70 bytes of a pending 1:1 invitation's ~500, and the list a field of
   * the invitation 8 more. A cache: not saved, and emptied when it reaches {@link soleExtrasKept}
   * entries.
   */
  readonly soleExtras: Map<string, Extras>
}

/**
 * `table` without `key`'s entry: a fresh `Map` when that entry was its last, else `table` itself
 * with the entry deleted (if it had one). The engine's and the shell's tables that empty after
 * every command are replaced when they empty (see {@link EngineState.inFlight} for why); deleting
 * the last entry first made V8 shrink the table into a new backing store just before it was
 * dropped, an allocation per emptying for nothing (in a loop that adds and removes one key, this
 * allocates about half of what delete-then-replace did, in half the time).
 */
export const withoutEntry = <K, V>(table: Map<K, V>, key: K): Map<K, V> => {
  if (table.size === 1 && table.has(key)) return new Map()
  table.delete(key)
  return table
}

/** The fewest marks of `EngineState.forgottenUpTo` swept for old ones at a time. */
export const marksSweptFrom = 64

/** The most one-invitee extras {@link EngineState.soleExtras} keeps. */
export const soleExtrasKept = 1_024

/**
 * The one empty list every invitation starts with for `states`, `decisions` and `deferred`: a
 * pending 1:1 invitation carried three arrays of its own (about 150 bytes of its ~700, measured
 * through `createSignaling`) that most never fill. Frozen, so a write that forgot to take a list
 * of its own (`writableStates`, `writableDecisions`) throws instead of reaching every invitation.
 *
 * Whether a list is still this one is asked by its length (an own list is never empty), not by
 * identity: in a `structuredClone` of a state, every invitation that had this list has one and
 * the same unfrozen copy of it, which must be treated as this list (written, it would reach
 * every one of them).
 */
export const nothingYet: never[] = Object.freeze([]) as unknown as never[]

/**
 * Extras with these fields, each made by one literal (one hidden class for every invitation's
 * own); the fields left out are as an untouched invitation has them.
 */
const ownExtras = (
  shared: boolean,
  groupID: string,
  invitees: readonly string[],
  settled: number,
  endedAt: number | null,
  dataVersion: DataVersion | null,
  deferred: Notification[],
  shownData: string | undefined,
): Extras => ({ shared, groupID, invitees, states: nothingYet, decisions: nothingYet, settled, endedAt, dataVersion, deferred, shownData })

/**
 * Extras of an untouched invitation of `groupID` to `invitees`, made by {@link ownExtras}: every
 * other field as such an invitation has it (nothing settled, not ended, the invite's own data,
 * nothing deferred or shown).
 */
const untouchedExtras = (shared: boolean, groupID: string, invitees: readonly string[]): Extras =>
  ownExtras(shared, groupID, invitees, 0, null, null, nothingYet, undefined)

/**
 * The extras of an untouched invitation of `groupID` to `invitees`: shared by every such 1:1
 * invitation to the one invitee (and frozen, like {@link nothingYet}), a group's or a longer
 * list's own. An invitee list is the engine's own (decoded, or copied by `distinct` from the
 * app's) and nothing changes it: it is kept, not copied.
 */
export const extrasFor = (state: EngineState, groupID: string, invitees: readonly string[]): Extras => {
  if (groupID !== '' || invitees.length !== 1) return untouchedExtras(false, groupID, invitees)
  const invitee = invitees[0]!
  const shared = state.soleExtras.get(invitee)
  if (shared !== undefined) return shared
  if (state.soleExtras.size >= soleExtrasKept) state.soleExtras.clear()
  const extras = soleExtrasOf(invitee)
  state.soleExtras.set(invitee, extras)
  return extras
}

/**
 * The shared (and frozen) extras of the untouched 1:1 invitations to `invitee`. Their list is not
 * frozen (nothing writes an invitee list): V8's optimised code reads an element of a frozen array
 * through a call to its generic keyed-load stub, and a 1:1 lifecycle read this one several times.
 */
const soleExtrasOf = (invitee: string): Extras => Object.freeze(untouchedExtras(true, '', [invitee]))

/**
 * Extras with these fields, every invitee's state and decision still to be entered (`writableStates`,
 * `writableDecisions`): the shared ones of {@link extrasFor} when nothing else is set.
 */
export const extrasOf = (
  state: EngineState,
  groupID: string,
  invitees: readonly string[],
  settled: number,
  endedAt: number | null,
  dataVersion: DataVersion | null,
  deferred: Notification[],
  shownData: string | undefined,
): Extras =>
  settled === 0 && endedAt === null && dataVersion === null && deferred.length === 0 && shownData === undefined
    ? extrasFor(state, groupID, invitees)
    : ownExtras(false, groupID, invitees, settled, endedAt, dataVersion, deferred, shownData)

/**
 * The invitation's own extras, made on the first write, by the same literal as a restored
 * invitation's (a spread of frozen shared extras made objects of another hidden class).
 */
export const writableExtras = (invitation: Invitation): Extras => {
  const extras = invitation.extras
  if (!extras.shared) return extras
  return (invitation.extras = untouchedExtras(false, extras.groupID, extras.invitees))
}

/**
 * `list.indexOf(id)`, compared in place for a one-id list (every 1:1 invitation's, and a 1:1
 * message's): the builtin call cost a 1:1 lifecycle more than the comparisons it made.
 */
export const positionOf = (list: readonly string[], id: string): number => (list.length === 1 ? (list[0] === id ? 0 : -1) : list.indexOf(id))

/** The invitation's invitees. */
export const inviteesOf = (invitation: Invitation): readonly string[] => invitation.extras.invitees

/** The invitation's group, `''` for 1:1. */
export const groupOf = (invitation: Invitation): string => invitation.extras.groupID

/** How many invitees of the invitation are in an answerable state. */
export const pendingCountOf = (invitation: Invitation): number => invitation.extras.invitees.length - invitation.extras.settled

/** Server time at which no invitee of the invitation was pending any more; `null` while it is active. */
export const endedAtOf = (invitation: Invitation): number | null => invitation.extras.endedAt

/**
 * {@link Extras.states}: a list of small integers, or bytes for a group of at least
 * {@link BYTES_FROM} invitees. A million numbers in a list took 8 MB (a byte each here) that the
 * first answer to a million-member group wrote in full and that every answer then read at a
 * random place; zeroed bytes cost nothing until touched. A smaller group keeps a list: its codes
 * stay in the cache either way, and the hot sites of groups up to a few thousand invitees see one
 * kind of list, as they did before bytes.
 */
export type InviteeCodes = number[] | Uint8Array

/** The least number of invitees whose codes are bytes (see {@link InviteeCodes}). */
export const BYTES_FROM = 4_096

/**
 * A fresh invitee's code, as a variable: a literal `[0]` shares V8's copy-on-write elements with
 * its boilerplate, and the first write into it (every 1:1 decision's) copied them.
 */
const undecided = 0

/**
 * The invitation's own `states`, made on the first write, every invitee's code 0: the initial
 * state, undecided (`engine/invitees.ts` counts on the initial state's index being 0). A list is
 * filled: a sparse array written at a random index of a large group would turn into a slow
 * dictionary.
 */
export const writableStates = (invitation: Invitation): InviteeCodes => {
  const extras = invitation.extras
  if (extras.states.length !== 0) return extras.states
  const n = extras.invitees.length
  const states = n === 1 ? [undecided] : n < BYTES_FROM ? new Array<number>(n).fill(0) : new Uint8Array(n)
  writableExtras(invitation).states = states
  return states
}

/**
 * {@link writableStates} for an invitee about to be decided, with the decisions' list made too
 * when the invitation is an untouched 1:1 one (its extras shared): extras of its own with both
 * lists, in one step rather than a check and a call to make the extras its own per list (every 1:1
 * decision's first).
 */
export const decidableStates = (invitation: Invitation): InviteeCodes => {
  const extras = invitation.extras
  if (!extras.shared) return writableStates(invitation)
  // Shared extras are a 1:1 invitation's: one invitee.
  const own = (invitation.extras = untouchedExtras(false, extras.groupID, extras.invitees))
  own.decisions = new Array<DecisionSlot>(1 + DECISION_EXTRA)
  return (own.states = [undecided])
}

/**
 * One entry of {@link Extras.decisions}: a decided invitee's fact is its action id in the
 * invitee's entry (its type is in the invitee's code), its data in the data entry and its device
 * in the devices entry (each the one value every decision had, or a column by invitee index once
 * two differ: see `engine/invitees.ts`), so a million answers keep their strings and no object each; a
 * fact that does not fit that layout keeps its object in its entry. `null` or `undefined` while
 * undecided.
 */
export type DecisionSlot = string | Decision | null | undefined | string[]

/** Entries of {@link Extras.decisions} after the invitees' own: the data, then the devices. */
const DECISION_EXTRA = 2

/**
 * The invitation's own `decisions`, made on the first write at its full length (every invitee's
 * entry, then the data's and the devices', made when needed), its entries holes (read as
 * `undefined`: undecided) until written. Allocated in full, it stays a fast array however it is
 * written; filling it as well doubled what the first answer to a million-member group wrote.
 */
export const writableDecisions = (invitation: Invitation): DecisionSlot[] => {
  const extras = invitation.extras
  if (extras.decisions.length !== 0) return extras.decisions
  const decisions = new Array<DecisionSlot>(extras.invitees.length + DECISION_EXTRA)
  writableExtras(invitation).decisions = decisions
  return decisions
}

/** A dictionary without a prototype: ids from the network can never reach `Object.prototype`. */
export const dictionary = <V>(): Record<string, V> => Object.create(null) as Record<string, V>

/**
 * A new state's fields, set by a constructor rather than an object literal: V8 builds a literal's
 * boilerplate on the literal's second run, widening the field types its first object gave the
 * hidden class, and that threw away the optimised code of every function that reads the state
 * (about twenty, in a `--trace-deopt` run) as soon as a process made its second state. A
 * constructor gives every state the same hidden class from the first. The fields are `declare`d
 * (no class field initialisers, which would define each as `undefined` first) and the class has
 * no methods: the state stays plain data.
 */
/** An empty array of strings (emptied from one, so it has V8's kind for object elements); copied, never written. */
const stringsFromTheStart: string[] = [''].slice(1)

class FreshState implements EngineState {
  declare readonly config: EngineConfig
  declare revision: number
  declare connected: boolean
  declare invitations: Map<string, Invitation>
  declare epoch: number
  declare activeCount: number
  declare readonly activeByInviter: Map<string, number>
  declare ended: string[]
  declare endedFrom: number
  declare readonly forgottenUpTo: Map<string, number>
  declare sweepMarksAt: number
  declare readonly held: Map<string, HeldMessage[]>
  declare heldCount: number
  declare readonly heldKeys: Map<string, Set<string>>
  declare inFlight: Map<string, InFlight>
  declare outbox: InFlight[]
  declare readonly soleExtras: Map<string, Extras>
  constructor(config: EngineConfig) {
    this.config = config
    this.revision = 0
    this.connected = false
    this.invitations = new Map()
    // Not a small integer even before the first invitation: the field holds doubles from the
    // start, so the class never changes its field's representation (and its readers' code) later.
    this.epoch = Number.NaN
    this.activeCount = 0
    this.activeByInviter = new Map()
    // Born with room for strings: an empty literal holds small integers until its first push, so
    // a new state's first tombstone met optimised code that had only seen string arrays (a
    // deoptimisation of the answer path per state, `--trace-deopt`).
    this.ended = stringsFromTheStart.slice()
    this.endedFrom = 0
    this.forgottenUpTo = new Map()
    this.sweepMarksAt = marksSweptFrom
    this.held = new Map()
    this.heldCount = 0
    this.heldKeys = new Map()
    this.inFlight = new Map()
    this.outbox = []
    // This user's own shared extras (and list) from the start: at an invitee's device every 1:1 invitation names it,
    // and making it on the state's first invitation ran a path V8 had kept no feedback for (it runs
    // once per state), which threw away the optimised code that creates invitations (`--trace-deopt`).
    this.soleExtras = new Map([[config.userID, soleExtrasOf(config.userID)]])
  }

  /**
   * A state held for the module's life and never stepped. V8 keeps a hidden class only while some
   * object has it (a constructor holds just its first, empty one): once a process's last state
   * was collected, the next state got a hidden class of its own, and every optimised function
   * that had read the old one was thrown away (twenty on a 1:1 lifecycle's path, "weak objects"
   * in a `--trace-deopt` run) and ran unoptimised until compiled again: the first hundred
   * thousand steps of the next state (a new session, or a bench sample after a collection) ran
   * at a third of their speed.
   */
  static readonly keepsTheHiddenClass: EngineState = new FreshState({ userID: '', deviceID: '', limits: defaultLimits, trace: false })
}

export const initialState = (config: EngineConfig): EngineState => new FreshState(config)
