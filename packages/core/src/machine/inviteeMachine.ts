/**
 * The invitee machine: the lifecycle of one invitee of one invitation, as one party sees it.
 * It is the single source of truth for that lifecycle; the engine runs a compiled form of this
 * very definition (see `compile.ts`).
 *
 * @module
 */
import { assign, createMachine } from 'xstate'

// -------------------------------------------------------------------------------------------------
// Events
// -------------------------------------------------------------------------------------------------

/**
 * What can decide an invitee's outcome, named after where it comes from. The order of this list
 * is the arbitration order of SPEC §3 (earlier wins).
 */
export const inviteeEventTypes = [
  'inviter.cancelled', // the inviter's cancel listing the invitee
  'inviter.timedOut', // the inviter's timeout listing the invitee
  'invitee.accepted', // the invitee's own answers
  'invitee.rejected',
  'invitee.timedOut',
  'timer.expired', // this party's local expiry (deadline + 10 s); any message overrides it
] as const

export type InviteeEventType = (typeof inviteeEventTypes)[number]

/**
 * One fact about an invitee. The winning fact is kept as the invitee's decision, so every party
 * can tell the outcome, its `data` and the device that answered.
 */
export interface InviteeEvent {
  readonly type: InviteeEventType
  /** Unique per message; among facts of one type the smallest wins. */
  readonly actionID: string
  readonly data: string
  /** The user who sent the fact; `''` for a local expiry. */
  readonly userID: string
  /** The device that sent the fact; `''` for a local expiry. */
  readonly deviceID: string
}

/** The winning fact so far, or `null` while nothing has decided the invitee. */
export type Decision = InviteeEvent

export interface InviteeContext {
  readonly decision: Decision | null
}

// -------------------------------------------------------------------------------------------------
// Arbitration
// -------------------------------------------------------------------------------------------------

const precedence: Readonly<Record<InviteeEventType, number>> = Object.fromEntries(
  inviteeEventTypes.map((type, rank) => [type, rank]),
) as Record<InviteeEventType, number>

/**
 * Whether `fact` beats the current decision: a better-ranked type, or the same type with a
 * smaller action id. Re-applying the winning fact itself (a duplicate) does not outrank it.
 *
 * Laws (checked in `inviteeMachine.test.ts`): irreflexive; for distinct facts exactly one of
 * `outranks(a, b)`, `outranks(b, a)` holds (total); transitive. Hence the winner of a set of facts
 * does not depend on the order they arrive in.
 */
export const outranks = (fact: InviteeEvent, decision: Decision | null): boolean => {
  if (decision === null) return true
  const a = precedence[fact.type]
  const b = precedence[decision.type]
  return a < b || (a === b && fact.actionID < decision.actionID)
}

// -------------------------------------------------------------------------------------------------
// The machine
// -------------------------------------------------------------------------------------------------

/** Every outcome state accepts a better fact: arbitration can move an invitee between outcomes. */
const arbitrated = {
  'inviter.cancelled': { target: '#invitee.cancelled', guard: 'outranksDecision', actions: 'recordDecision' },
  'inviter.timedOut': { target: '#invitee.timedOut', guard: 'outranksDecision', actions: 'recordDecision' },
  'invitee.accepted': { target: '#invitee.accepted', guard: 'outranksDecision', actions: 'recordDecision' },
  'invitee.rejected': { target: '#invitee.rejected', guard: 'outranksDecision', actions: 'recordDecision' },
  'invitee.timedOut': { target: '#invitee.timedOut', guard: 'outranksDecision', actions: 'recordDecision' },
} as const

/**
 * The invitee machine.
 *
 * <!-- diagram:machine -->
 * ```mermaid
 * stateDiagram-v2
 *   direction LR
 *   [*] --> pending
 *   pending --> cancelled: inviter.cancelled
 *   pending --> timedOut: inviter.timedOut
 *   pending --> accepted: invitee.accepted
 *   pending --> rejected: invitee.rejected
 *   pending --> timedOut: invitee.timedOut
 *   pending --> timedOut: timer.expired
 *   accepted --> cancelled: inviter.cancelled
 *   accepted --> timedOut: inviter.timedOut
 *   accepted --> accepted: invitee.accepted
 *   accepted --> rejected: invitee.rejected
 *   accepted --> timedOut: invitee.timedOut
 *   rejected --> cancelled: inviter.cancelled
 *   rejected --> timedOut: inviter.timedOut
 *   rejected --> accepted: invitee.accepted
 *   rejected --> rejected: invitee.rejected
 *   rejected --> timedOut: invitee.timedOut
 *   cancelled --> cancelled: inviter.cancelled
 *   cancelled --> timedOut: inviter.timedOut
 *   cancelled --> accepted: invitee.accepted
 *   cancelled --> rejected: invitee.rejected
 *   cancelled --> timedOut: invitee.timedOut
 *   timedOut --> cancelled: inviter.cancelled
 *   timedOut --> timedOut: inviter.timedOut
 *   timedOut --> accepted: invitee.accepted
 *   timedOut --> rejected: invitee.rejected
 *   timedOut --> timedOut: invitee.timedOut
 *   note right of pending: tagged answerable
 *   note left of pending: every transition is guarded by outranksDecision and runs recordDecision
 * ```
 * <!-- /diagram:machine -->
 *
 * (Generated from this definition by `npm run diagrams`.) From every outcome, a fact that
 * outranks the current decision moves the invitee to that fact's outcome: a correction, it lost a
 * race. Rank, best first: inviter.cancelled, inviter.timedOut, invitee.accepted, invitee.rejected,
 * invitee.timedOut, timer.expired; ties go to the smallest action id.
 *
 * `pending` is tagged `answerable`: only there may the invitee answer or the inviter cancel it.
 *
 * Built with `createMachine(config, implementations)` rather than `setup()`: `setup()` brings
 * every XState action creator (`sendTo`, `spawnChild`, `enqueueActions`, …) into an app's bundle,
 * 0.9 KB gzip that this machine never uses; the `types` below keep its guard and action names
 * checked by the compiler all the same.
 */
export const inviteeMachine = createMachine(
  {
    types: {} as {
      context: InviteeContext
      events: InviteeEvent
      guards: { type: 'outranksDecision'; params: undefined }
      actions: { type: 'recordDecision'; params: undefined }
    },
    id: 'invitee',
    context: { decision: null },
    initial: 'pending',
    states: {
      pending: {
        tags: ['answerable'],
        on: {
          ...arbitrated,
          'timer.expired': { target: 'timedOut', guard: 'outranksDecision', actions: 'recordDecision' },
        },
      },
      accepted: { on: arbitrated },
      rejected: { on: arbitrated },
      cancelled: { on: arbitrated },
      timedOut: { on: arbitrated },
    },
  },
  {
    guards: {
      outranksDecision: ({ context, event }) => outranks(event, context.decision),
    },
    actions: {
      recordDecision: assign({ decision: ({ event }) => event }),
    },
  },
)

export type InviteeMachine = typeof inviteeMachine

/** The states of {@link inviteeMachine}. */
export type InviteeState = 'pending' | 'accepted' | 'rejected' | 'cancelled' | 'timedOut'
