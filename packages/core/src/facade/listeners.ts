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

/** Calls every signaling listener's matching callback; a listener that throws is reported, not fatal. */
export const deliverNotification = (listeners: Listeners, n: Notification): void => {
  if (listeners.held !== undefined) {
    listeners.held.push(n)
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
