/**
 * The floor: a bare loop doing only the bookkeeping an answer cannot avoid — find the invitee,
 * check it is still pending, record its new state and which answer decided it, count it off.
 * No validation, no arbitration between ranks, no notification, no effects. The lookup is the
 * cheapest plain code gives: positions in an open-addressing `Int32Array` (a `Map` of a million
 * ids costs more to build and to probe, which would make the floor too easy to beat).
 *
 * It takes the same pre-built inputs as the engine, so what it costs at a million invitees in
 * random order is the memory hierarchy's share (a random invitee's slot per answer, a million
 * retained answers for the GC); the engine is held to within 1.3× of it there.
 *
 * @module
 */
import { ActionType } from '@beckon/core'
import type { ReceivedInput } from './flows.js'

const PENDING = 0
const ANSWERED = 1
const EMPTY = -1

/** FNV-1a over UTF-16 code units. */
const hash = (id: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193)
  return h >>> 0
}

/** Positions of `ids` in a table at most half full, probed linearly. */
const indexOf = (ids: readonly string[]): Int32Array => {
  let capacity = 16
  while (capacity < ids.length * 2) capacity *= 2
  const slots = new Int32Array(capacity).fill(EMPTY)
  for (let i = 0; i < ids.length; i++) {
    let slot = hash(ids[i]!) & (capacity - 1)
    while (slots[slot] !== EMPTY) slot = (slot + 1) & (capacity - 1)
    slots[slot] = i
  }
  return slots
}

const find = (invitation: BareInvitation, id: string): number => {
  const { slots, ids } = invitation
  const mask = slots.length - 1
  for (let slot = hash(id) & mask; ; slot = (slot + 1) & mask) {
    const i = slots[slot]!
    if (i === EMPTY || ids[i] === id) return i
  }
}

interface BareInvitation {
  readonly ids: readonly string[]
  /** Invitee id → position, built with the invitation. */
  readonly slots: Int32Array
  readonly states: Uint8Array
  /** The action id of the answer that decided each invitee. */
  readonly decidedBy: (string | null)[]
  pending: number
}

export interface BareState {
  readonly invitations: Map<string, BareInvitation>
}

export const bareState = (): BareState => ({ invitations: new Map() })

const receiveInvite = (state: BareState, input: ReceivedInput): void => {
  const list = input.envelope.inviteeList
  state.invitations.set(input.envelope.inviteID, {
    ids: list,
    slots: indexOf(list),
    states: new Uint8Array(list.length),
    decidedBy: new Array<string | null>(list.length).fill(null),
    pending: list.length,
  })
}

/** One input; returns how many invitees it decided (0 or 1), so the call cannot be optimised away. */
export const bareStep = (state: BareState, input: ReceivedInput): number => {
  const { envelope, message } = input
  if (envelope.actionType === ActionType.invite) {
    receiveInvite(state, input)
    return 0
  }
  const invitation = state.invitations.get(envelope.inviteID)
  if (invitation === undefined) return 0
  const i = find(invitation, message.sender)
  if (i < 0 || invitation.states[i] !== PENDING) return 0
  invitation.states[i] = ANSWERED
  invitation.decidedBy[i] = envelope.beckon?.actionID ?? message.messageID
  invitation.pending--
  return 1
}

/** Invitees of `inviteID` still pending, or `undefined` if the invitation is unknown. */
export const barePending = (state: BareState, inviteID: string): number | undefined => state.invitations.get(inviteID)?.pending
