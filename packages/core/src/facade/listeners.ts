/**
 * The app's listeners: signaling callbacks, diagnostics (with counts), and state changes.
 *
 * Notifications made while `createSignaling` is still running (a restored instance that rings
 * again on an already connected transport) are held until the caller's synchronous code has had
 * the chance to add its listeners, then delivered.
 *
 * @module
 */
import type { Diagnostic, DiagnosticReason, Notification } from '../engine/io.js'
import type { SignalingListener } from './types.js'

export interface Listeners {
  readonly signaling: Set<SignalingListener>
  readonly diagnostics: Set<(diagnostic: Diagnostic) => void>
  readonly changes: Set<() => void>
  readonly counts: Partial<Record<DiagnosticReason, number>>
  /** Notifications waiting for the end of construction; `undefined` once delivered. */
  held: Notification[] | undefined
  /** Notifications about invitations whose `invite()` has not yet handed the app their id. */
  readonly awaiting: Map<string, Notification[]>
  diagnose(diagnostic: Diagnostic): void
  /** The engine's state changed: tell whoever saves snapshots. */
  changed(): void
  /** Construction is over: deliver what was held. */
  ready(): void
}

const safely = (listeners: Listeners, what: string, inviteID: string | undefined, call: () => void): void => {
  try {
    call()
  } catch (error) {
    const detail = `${what}: ${error instanceof Error ? error.message : String(error)}`
    listeners.diagnose(inviteID === undefined ? { reason: 'listener-threw', detail } : { reason: 'listener-threw', detail, inviteID })
  }
}

export const createListeners = (): Listeners => {
  const listeners: Listeners = {
    signaling: new Set(),
    diagnostics: new Set(),
    changes: new Set(),
    counts: {},
    held: [],
    awaiting: new Map(),
    diagnose: (diagnostic) => {
      listeners.counts[diagnostic.reason] = (listeners.counts[diagnostic.reason] ?? 0) + 1
      for (const listener of [...listeners.diagnostics]) {
        try {
          listener(diagnostic)
        } catch {
          // A diagnostics listener that throws must not turn one report into a loop of them.
        }
      }
    },
    changed: () => {
      for (const listener of [...listeners.changes]) safely(listeners, 'state change listener', undefined, listener)
    },
    ready: () => {
      const held = listeners.held ?? []
      listeners.held = undefined
      for (const notification of held) deliverNotification(listeners, notification)
    },
  }
  return listeners
}

/**
 * Holds the callbacks about `inviteID` until `promise` (the app's `invite()`) has settled and the
 * app's own continuation has run: an answer can overtake the IM's receipt for the invite, and a
 * callback about an invitation the app cannot name yet is useless to it.
 */
export const holdUntilSettled = (listeners: Listeners, inviteID: string, promise: Promise<unknown>): void => {
  listeners.awaiting.set(inviteID, [])
  const release = () =>
    queueMicrotask(() => {
      const waiting = listeners.awaiting.get(inviteID) ?? []
      listeners.awaiting.delete(inviteID)
      for (const notification of waiting) deliverNotification(listeners, notification)
    })
  promise.then(release, release)
}

/** Calls every signaling listener's matching callback; a listener that throws is reported, not fatal. */
export const deliverNotification = (listeners: Listeners, n: Notification): void => {
  const waiting = listeners.held ?? listeners.awaiting.get(n.inviteID)
  if (waiting !== undefined) {
    waiting.push(n)
    return
  }
  for (const listener of [...listeners.signaling]) {
    safely(listeners, n.type, n.inviteID, () => {
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
    })
  }
}
