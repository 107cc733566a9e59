/**
 * One invitee as the inspector sees it: an actor reference of {@link inviteeMachine} whose
 * snapshots are the machine's own, computed by XState from the facts the engine applied, but only
 * when someone reads them.
 *
 * Why not a real actor per invitee: starting an XState actor and sending it each fact costs about
 * 60 µs, which made an inspected run of a thousand invitees several times slower than the engine
 * it watches. The inspector needs the actor's identity and definition when it appears, and a
 * snapshot per step; so each step is recorded (the fact and the state the engine reached), and
 * XState's `machine.transition` runs over the steps when a snapshot is first read (about 10 µs a
 * step, cached). Reading a step is also the cross-check: when XState's state after a fact is not
 * the engine's, the mismatch is reported.
 *
 * @module
 */
import { createActor, type ActorScope, type AnyEventObject, type InspectionEvent } from 'xstate'
import { inviteeMachine, type Decision, type InviteeEvent, type InviteeState } from '../machine/inviteeMachine.js'

type InviteeSnapshot = ReturnType<typeof inviteeMachine.resolveState>

/**
 * The event shown for a reset: the IM refused this device's own answer or cancel, so the
 * optimistic fact never happened and the invitee starts again from `pending` (its other facts
 * follow as events of their own).
 */
export const refusedEventType = 'beckon.refused'

/** One thing that happened to the invitee, and what the engine made of it. */
type Step =
  | { readonly kind: 'fact'; readonly event: InviteeEvent; readonly engineState: InviteeState }
  | { readonly kind: 'reset' }

/** Called with the invitation and a description when XState's state after a step is not the engine's. */
export type MismatchReporter = (inviteID: string, detail: string) => void

/** XState runs transitions inside an actor scope; one inert scope serves every mirrored invitee. */
let sharedScope: ActorScope<InviteeSnapshot, InviteeEvent> | undefined
const scope = (): ActorScope<InviteeSnapshot, InviteeEvent> => {
  if (sharedScope !== undefined) return sharedScope
  const self = createActor(inviteeMachine)
  const ignore = () => {}
  sharedScope = { self, system: self.system, id: '', sessionId: '', defer: ignore, logger: ignore, stopChild: ignore, emit: ignore, actionExecutor: ignore }
  return sharedScope
}

let initialSnapshot: InviteeSnapshot | undefined
const initial = (): InviteeSnapshot => (initialSnapshot ??= inviteeMachine.resolveState({ value: 'pending', context: { decision: null } }))

/** The actor reference an inspector gets for one invitee (XState's `ActorRefLike`, plus what inspectors read). */
export class MirroredInvitee {
  /** What the inspector reads for the definition (`actorRef.logic.config`). */
  readonly logic = inviteeMachine
  readonly _parent = undefined
  readonly #steps: Step[] = []
  /** Snapshots of the steps read so far: `#snapshots[k]` is the one after step `k - 1`. */
  readonly #snapshots: InviteeSnapshot[]
  readonly #report: MismatchReporter

  /**
   * @param id whose view this is and of which invitee (see `mirroredActorID`).
   * @param inviteID the invitation, named in mismatch reports.
   * @param start where the invitee starts: the initial state, or a restored state and decision.
   */
  constructor(
    readonly id: string,
    readonly sessionId: string,
    readonly inviteID: string,
    report: MismatchReporter,
    start?: { readonly state: InviteeState; readonly decision: Decision | null },
  ) {
    this.#report = report
    this.#snapshots = [start === undefined ? initial() : inviteeMachine.resolveState({ value: start.state, context: { decision: start.decision } })]
  }

  /** Records a fact the engine applied; returns the step's number (for {@link snapshotAfter}). */
  applied(event: InviteeEvent, engineState: InviteeState): number {
    return this.#steps.push({ kind: 'fact', event, engineState }) - 1
  }

  /** Records a reset to the initial state (the IM refused this device's own fact). */
  reset(): number {
    return this.#steps.push({ kind: 'reset' }) - 1
  }

  /** The snapshot after step `k`, computed by XState on first read. */
  snapshotAfter(k: number): InviteeSnapshot {
    while (this.#snapshots.length <= k + 1) {
      const i = this.#snapshots.length - 1
      this.#snapshots.push(this.#next(this.#snapshots[i]!, this.#steps[i]!))
    }
    return this.#snapshots[k + 1]!
  }

  /** The latest snapshot (XState's `actorRef.getSnapshot()`). */
  getSnapshot(): InviteeSnapshot {
    return this.snapshotAfter(this.#steps.length - 1)
  }

  /** Mirrored invitees are driven by the engine's facts, not by events sent to them. */
  send(_event: AnyEventObject): void {
    throw new TypeError(`${this.id} mirrors the engine; act through the Signaling API instead`)
  }

  #next(before: InviteeSnapshot, step: Step): InviteeSnapshot {
    if (step.kind === 'reset') return initial()
    const after = inviteeMachine.transition(before, step.event, scope())
    if (after.value !== step.engineState) this.#report(this.inviteID, `${this.id}: after ${step.event.type} ${step.event.actionID} the machine is ${String(after.value)}, the engine ${step.engineState}`)
    return after
  }
}

/** `@xstate.actor`: the invitee appears. */
export const actorEvent = (ref: MirroredInvitee): InspectionEvent => ({ type: '@xstate.actor', actorRef: ref, rootId: ref.sessionId })

/**
 * `@xstate.event` then `@xstate.snapshot` for step `k`, as an XState actor emits them when it
 * receives an event. The snapshot is an accessor of the event object itself (so spreading or
 * serialising the event computes it, and ignoring it costs nothing).
 */
export const stepEvents = (ref: MirroredInvitee, k: number, event: AnyEventObject): readonly [InspectionEvent, InspectionEvent] => [
  { type: '@xstate.event', actorRef: ref, rootId: ref.sessionId, event, sourceRef: undefined },
  {
    type: '@xstate.snapshot',
    actorRef: ref,
    rootId: ref.sessionId,
    event,
    get snapshot() {
      return ref.snapshotAfter(k)
    },
  },
]
