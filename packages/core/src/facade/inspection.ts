/**
 * Watching invitations in the Stately inspector. The engine runs the compiled machine; when an
 * inspector is given, the facade mirrors every invitee into a real XState actor of the same
 * machine, fed the same events, so the inspector shows each one live. The mirror also checks the
 * engine: if the actor lands in another state, that is reported as a diagnostic.
 *
 * @module
 */
import { createActor, type AnyActorRef, type InspectionEvent, type Observer } from 'xstate'
import { inviteeMachine, type InviteeEvent, type InviteeState } from '../machine/inviteeMachine.js'

/** What `createSignaling({ inspect })` takes: an inspector from `@statelyai/inspect`, or any observer. */
export interface InspectorLike {
  readonly inspect: Observer<InspectionEvent> | ((event: InspectionEvent) => void)
}

export interface RestoredInvitee {
  readonly inviteID: string
  readonly invitee: string
  readonly state: InviteeState
  readonly decision: InviteeEvent | null
}

export interface InspectionMirror {
  created(inviteID: string, invitees: readonly string[]): void
  transition(inviteID: string, invitee: string, event: InviteeEvent, state: InviteeState): string | undefined
  removed(inviteID: string, invitees: readonly string[]): void
  /** Starts actors already in the given states (after `restore`). */
  restored(invitees: readonly RestoredInvitee[]): void
  stop(): void
}

export const createInspectionMirror = (inspector: InspectorLike): InspectionMirror => {
  const actors = new Map<string, AnyActorRef>()
  const keyOf = (inviteID: string, invitee: string) => `${inviteID}/${invitee}`
  const start = (key: string, value?: InviteeState, decision?: InviteeEvent | null) => {
    const snapshot = value === undefined ? undefined : inviteeMachine.resolveState({ value, context: { decision: decision ?? null } })
    const actor = createActor(inviteeMachine, snapshot === undefined ? { id: key, inspect: inspector.inspect } : { id: key, inspect: inspector.inspect, snapshot })
    actors.set(key, actor.start())
  }
  return {
    created: (inviteID, invitees) => invitees.forEach((invitee) => start(keyOf(inviteID, invitee))),
    transition: (inviteID, invitee, event, state) => {
      const actor = actors.get(keyOf(inviteID, invitee))
      if (actor === undefined) return undefined
      actor.send(event)
      const value = actor.getSnapshot().value as string
      return value === state ? undefined : `the machine went to ${value}, the engine to ${state}`
    },
    removed: (inviteID, invitees) => {
      for (const invitee of invitees) {
        actors.get(keyOf(inviteID, invitee))?.stop()
        actors.delete(keyOf(inviteID, invitee))
      }
    },
    restored: (invitees) => {
      for (const { inviteID, invitee, state, decision } of invitees) start(keyOf(inviteID, invitee), state, decision)
    },
    stop: () => {
      for (const actor of actors.values()) actor.stop()
      actors.clear()
    },
  }
}
