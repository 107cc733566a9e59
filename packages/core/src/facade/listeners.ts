/**
 * The app's listeners: signaling callbacks, diagnostics (with counts), and state changes.
 *
 * Notifications made while `createSignaling` is still running (a restored instance that rings
 * again on an already connected transport) are held until the caller's synchronous code has had
 * the chance to add its listeners, then delivered.
 *
 * A listener that throws is the app's bug, not the engine's: the error goes to the app's
 * `onListenerError` (by default the runtime's own report of an uncaught error, with its stack), is
 * counted as a `listener-threw` diagnostic, and the other listeners and the engine go on as if the
 * listener had returned.
 *
 * @module
 */
import type { Diagnostic, DiagnosticReason, Notification } from '../engine/io.js'
import { withoutEntry } from '../engine/state.js'
import { reportListenerError, type ListenerErrorContext } from './defaults.js'
import type { SignalingListener } from './types.js'

/** Where the errors of the app's listeners go (`SignalingOptions.onListenerError`). */
export type ListenerErrorHandler = (error: unknown, context: ListenerErrorContext) => void

/**
 * A set of listeners that hands out the array of its members as they are now, built once per
 * change rather than copied per call: a notification reaches the listeners there were when it was
 * made, even if one of them adds or removes another meanwhile.
 */
export class Subscribers<T> extends Set<T> {
  #current: readonly T[] | undefined

  override add(value: T): this {
    this.#current = undefined
    return super.add(value)
  }

  override delete(value: T): boolean {
    this.#current = undefined
    return super.delete(value)
  }

  override clear(): void {
    this.#current = undefined
    super.clear()
  }

  /** The members now; the same array until the set changes. */
  current(): readonly T[] {
    return (this.#current ??= [...this])
  }
}

export interface Listeners {
  readonly signaling: Subscribers<SignalingListener>
  readonly diagnostics: Subscribers<(diagnostic: Diagnostic) => void>
  readonly changes: Subscribers<() => void>
  readonly counts: Partial<Record<DiagnosticReason, number>>
  /** Notifications waiting for the end of construction; `undefined` once delivered. */
  held: Notification[] | undefined
  /**
   * Notifications about invitations whose `invite()` has not yet handed the app their id: a fresh
   * `Map` whenever it empties, for the reason the shell's table of commands is (`shell.ts`).
   */
  awaiting: Map<string, Notification[]>
  diagnose(diagnostic: Diagnostic): void
  /** One of the app's listeners threw: count it and hand the error to the app. */
  threw(error: unknown, context: ListenerErrorContext): void
  /** The engine's state changed: tell whoever saves snapshots or renders the views. */
  changed(): void
  /** Construction is over: deliver what was held. */
  ready(): void
}

const detailOf = (error: unknown, context: ListenerErrorContext): string =>
  `${context.listener}: ${error instanceof Error ? error.message : String(error)}`

/**
 * Hands `error` to the app's handler; if the handler throws too, both go to the runtime's report.
 * Nothing escapes: the engine is mid-step when a listener runs.
 */
const report = (onListenerError: ListenerErrorHandler, error: unknown, context: ListenerErrorContext): void => {
  try {
    onListenerError(error, context)
  } catch (handlerError) {
    try {
      reportListenerError(error, context)
      reportListenerError(handlerError, context)
    } catch {
      // The runtime's own report failed: there is nowhere left to tell.
    }
  }
}

/** Creates the app's listeners; errors they throw go to `onListenerError`. */
export const createListeners = (onListenerError: ListenerErrorHandler = reportListenerError): Listeners => {
  const listeners: Listeners = {
    signaling: new Subscribers(),
    diagnostics: new Subscribers(),
    changes: new Subscribers(),
    counts: {},
    held: [],
    awaiting: new Map(),
    diagnose: (diagnostic) => {
      listeners.counts[diagnostic.reason] = (listeners.counts[diagnostic.reason] ?? 0) + 1
      for (const listener of listeners.diagnostics.current()) {
        try {
          listener(diagnostic)
        } catch (error) {
          // Reported, not diagnosed: a diagnostic about a diagnostics listener would call it again.
          report(onListenerError, error, { listener: 'diagnostic' })
        }
      }
    },
    threw: (error, context) => {
      const detail = detailOf(error, context)
      listeners.diagnose(context.inviteID === undefined ? { reason: 'listener-threw', detail } : { reason: 'listener-threw', detail, inviteID: context.inviteID })
      report(onListenerError, error, context)
    },
    changed: () => {
      for (const listener of listeners.changes.current()) {
        try {
          listener()
        } catch (error) {
          listeners.threw(error, { listener: 'stateChange' })
        }
      }
    },
    ready: () => {
      const held = listeners.held ?? []
      listeners.held = undefined
      for (const notification of held) deliverNotification(listeners, notification)
    },
  }
  return listeners
}

/** What a hold holds until its first notification: most invitations have none by then. */
const nothingHeld: Notification[] = Object.freeze([]) as unknown as Notification[]

/**
 * Holds the callbacks about `inviteID` until {@link releaseHeld}: an answer can overtake the IM's
 * receipt for the invite, and a callback about an invitation the app cannot name yet (its
 * `invite()` has not resolved) is useless to it.
 */
export const holdCallbacks = (listeners: Listeners, inviteID: string): void => {
  listeners.awaiting.set(inviteID, nothingHeld)
}

/**
 * Delivers what was held about `inviteID` one microtask from now. Called as the app's `invite()`
 * promise settles, it runs after the app's own continuation of that promise (queued as it
 * settled), so the app knows the id by the time it hears about it.
 */
export const releaseHeld = (listeners: Listeners, inviteID: string): void =>
  void settled.then(() => {
    const waiting = listeners.awaiting.get(inviteID) ?? []
    listeners.awaiting = withoutEntry(listeners.awaiting, inviteID)
    for (const notification of waiting) deliverNotification(listeners, notification)
  })

/**
 * Where the releases of held callbacks queue: a reaction to a settled promise is a microtask like
 * `queueMicrotask`'s, in the same queue, without the async resource and bound function Node's
 * `queueMicrotask` makes for each (a thirtieth of what a 1:1 lifecycle allocated there).
 */
const settled = Promise.resolve()

/**
 * Holds the callbacks about `inviteID` until `promise` (the app's `invite()`) has settled and the
 * app's own continuation has run. For a promise the shell settles itself, the shell releases them
 * as it settles it, without a reaction of its own on the promise.
 */
export const holdUntilSettled = (listeners: Listeners, inviteID: string, promise: Promise<unknown>): void => {
  holdCallbacks(listeners, inviteID)
  const release = () => releaseHeld(listeners, inviteID)
  promise.then(release, release)
}

/** Calls every signaling listener's matching callback; a listener that throws is reported, not fatal. */
export const deliverNotification = (listeners: Listeners, n: Notification): void => {
  if (listeners.held !== undefined) {
    listeners.held.push(n)
    return
  }
  // Most devices hold nothing most of the time (a group member never does): no lookup then.
  const waiting = listeners.awaiting.size === 0 ? undefined : listeners.awaiting.get(n.inviteID)
  if (waiting !== undefined) {
    if (waiting === nothingHeld) listeners.awaiting.set(n.inviteID, [n])
    else waiting.push(n)
    return
  }
  for (const listener of listeners.signaling.current()) {
    try {
      call(listener, n)
    } catch (error) {
      listeners.threw(error, { listener: n.type, inviteID: n.inviteID })
    }
  }
}

const call = (listener: SignalingListener, n: Notification): void => {
  switch (n.type) {
    case 'onReceiveNewInvitation':
      return listener.onReceiveNewInvitation?.(n.inviteID, n.inviter, n.groupID, [...n.inviteeList], n.data)
    case 'onInviteeAccepted':
      return listener.onInviteeAccepted?.(n.inviteID, n.invitee, n.data)
    case 'onInviteeRejected':
      return listener.onInviteeRejected?.(n.inviteID, n.invitee, n.data)
    case 'onInvitationCancelled':
      return listener.onInvitationCancelled?.(n.inviteID, n.inviter, n.data, [...n.inviteeList])
    case 'onInvitationTimeout':
      return listener.onInvitationTimeout?.(n.inviteID, [...n.inviteeList])
    case 'onInvitationModified':
      return listener.onInvitationModified?.(n.inviteID, n.data)
  }
}
