/**
 * The floor: a bare loop doing only the bookkeeping an answer cannot avoid — find the invitee,
 * check it is still pending, record its new state and which answer decided it, count it off.
 * No validation, no arbitration between ranks, no notification, no effects.
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

interface BareInvitation {
  /** Invitee id → position, built with the invitation. */
  readonly index: Map<string, number>
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
  const index = new Map<string, number>()
  for (let i = 0; i < list.length; i++) index.set(list[i]!, i)
  state.invitations.set(input.envelope.inviteID, {
    index,
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
  const i = invitation.index.get(message.sender) ?? -1
  if (i < 0 || invitation.states[i] !== PENDING) return 0
  invitation.states[i] = ANSWERED
  invitation.decidedBy[i] = envelope.beckon?.actionID ?? message.messageID
  invitation.pending--
  return 1
}

/** Invitees of `inviteID` still pending, or `undefined` if the invitation is unknown. */
export const barePending = (state: BareState, inviteID: string): number | undefined => state.invitations.get(inviteID)?.pending
