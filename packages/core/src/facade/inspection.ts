/**
 * Watching invitations in the Stately inspector (or any XState inspection observer). The engine
 * runs the compiled machine and, when inspecting, reports each invitation it creates or drops and
 * each fact it applies to an invitee; the mirror turns those reports into XState inspection
 * events about one actor of {@link inviteeMachine} per invitee per invitation, so an inspector
 * shows each as a machine with its definition and live snapshots.
 *
 * Each actor's id says whose view it is: `alice/phone sees bob of <inviteID>` is how alice's
 * phone sees bob in that invitation, which may differ from bob's own view while a race is in
 * flight. The events sent to it are the facts as the engine saw them (type, action id, sender
 * user and device, data). Snapshots are XState's own, computed from those facts when read, and
 * compared with the engine's state: a disagreement is reported as an `inspector-mismatch`
 * diagnostic (see `mirroredInvitee.ts` for why this is lazy).
 *
 * @module
 */
import type { InspectionEvent } from 'xstate'
import type { Decision, InviteeEvent, InviteeState } from '../machine/inviteeMachine.js'
import type { InspectionSink } from './inspectOption.js'
import { actorEvent, MirroredInvitee, refusedEventType, stepEvents } from './mirroredInvitee.js'

/** The device whose view an inspector watches. */
export interface InspectedParty {
  readonly userID: string
  readonly deviceID: string
}

/** The id of the mirrored actor showing `party`'s view of `invitee` in invitation `inviteID`. */
export const mirroredActorID = (party: InspectedParty, inviteID: string, invitee: string): string =>
  `${party.userID}/${party.deviceID} sees ${invitee} of ${inviteID}`

export interface RestoredInvitee {
  readonly inviteID: string
  readonly invitee: string
  readonly state: InviteeState
  readonly decision: Decision | null
}

export interface InspectionMirrorOptions {
  readonly party: InspectedParty
  readonly sink: InspectionSink
  /** XState's state after a fact is not the engine's. */
  readonly mismatch: (inviteID: string, detail: string) => void
  /** The sink threw; inspection must never break signaling. */
  readonly sinkThrew: (error: unknown) => void
}

export interface InspectionMirror {
  created(inviteID: string, invitees: readonly string[]): void
  transition(inviteID: string, invitee: string, event: InviteeEvent, state: InviteeState): void
  /** The IM refused this device's own fact: the invitee starts again from `pending`. */
  reset(inviteID: string, invitee: string): void
  removed(inviteID: string, invitees: readonly string[]): void
  /** Shows invitees already in the given states (after `restore`). */
  restored(invitees: readonly RestoredInvitee[]): void
  stop(): void
}

/** Session ids are unique in the process, like XState's own, whichever instance made them. */
let sessions = 0

export const createInspectionMirror = ({ party, sink, mismatch, sinkThrew }: InspectionMirrorOptions): InspectionMirror => {
  /** Mirrored invitees by invitation, then by invitee: an invitation's removal is one delete. */
  const mirrored = new Map<string, Map<string, MirroredInvitee>>()
  const prefix = `beckon:${party.userID}/${party.deviceID}:`

  const emit = (event: InspectionEvent): void => {
    try {
      sink(event)
    } catch (error) {
      sinkThrew(error)
    }
  }

  const start = (inviteID: string, invitee: string, from?: { state: InviteeState; decision: Decision | null }): void => {
    const ref = new MirroredInvitee(mirroredActorID(party, inviteID, invitee), prefix + String(++sessions), inviteID, mismatch, from)
    let ofInvitation = mirrored.get(inviteID)
    if (ofInvitation === undefined) mirrored.set(inviteID, (ofInvitation = new Map()))
    ofInvitation.set(invitee, ref)
    emit(actorEvent(ref))
  }

  const step = (ref: MirroredInvitee, k: number, event: InviteeEvent | { readonly type: string }): void => {
    const [received, snapshot] = stepEvents(ref, k, event)
    emit(received)
    emit(snapshot)
  }

  return {
    created: (inviteID, invitees) => {
      for (const invitee of invitees) start(inviteID, invitee)
    },
    transition: (inviteID, invitee, event, state) => {
      const ref = mirrored.get(inviteID)?.get(invitee)
      if (ref !== undefined) step(ref, ref.applied(event, state), event)
    },
    reset: (inviteID, invitee) => {
      const ref = mirrored.get(inviteID)?.get(invitee)
      if (ref !== undefined) step(ref, ref.reset(), { type: refusedEventType })
    },
    removed: (inviteID, invitees) => {
      const ofInvitation = mirrored.get(inviteID)
      if (ofInvitation === undefined) return
      for (const invitee of invitees) ofInvitation.delete(invitee)
      if (ofInvitation.size === 0) mirrored.delete(inviteID)
    },
    restored: (invitees) => {
      for (const { inviteID, invitee, state, decision } of invitees) start(inviteID, invitee, { state, decision })
    },
    stop: () => mirrored.clear(),
  }
}
