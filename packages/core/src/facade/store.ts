/**
 * What a device sees, as an external store for UI state libraries: `subscribe` and `getSnapshot`
 * with the contract React's `useSyncExternalStore` needs — `getSnapshot` returns the very same
 * object until something it shows has changed, so a component re-renders once per change and
 * never loops.
 *
 * The views are built lazily, on the first `getSnapshot` after a change, and shared: an invitation
 * whose view is unchanged keeps its object (a memoized row does not re-render), as does an invitee
 * whose view is unchanged, and a change the views do not show (a message in flight taken by the IM)
 * keeps the whole snapshot. Views are frozen, since every reader shares them. Only what changed is
 * made again (`keptView`): a snapshot after a change costs a comparison per invitee held and objects
 * for what changed.
 *
 * @module
 */
import type { EngineState, Invitation } from '../engine/state.js'
import { keptView, type InvitationView, type KeptView } from '../engine/views.js'
import { Subscribers, type Listeners } from './listeners.js'

/** What this device sees now: the value of `Signaling.getSnapshot()`. */
export interface SignalingView {
  /**
   * Every invitation held, active and ended (as `listInvitations()` lists them). An invitation
   * that did not change since the previous snapshot is the same object in this one.
   */
  readonly invitations: readonly InvitationView[]
  /** Caught up with the IM: connected, with what was stored for this device received. */
  readonly connected: boolean
  /** `close()` was called: the instance follows nothing any more, and `invitations` is empty. */
  readonly closed: boolean
}

const closedView: SignalingView = Object.freeze({ invitations: Object.freeze([]), connected: false, closed: true })

export interface Store {
  subscribe(onChange: () => void): () => void
  getSnapshot(): SignalingView
  /** The instance closed: the snapshot says so, and subscribers hear it once. */
  close(): void
}

/** A store over `state`, told of changes by `listeners` (after every step that changed the state). */
export const createStore = (state: EngineState, listeners: Listeners): Store => {
  const subscribers = new Subscribers<() => void>()
  let current: SignalingView | undefined
  let seenRevision = -1
  let closed = false

  const notify = (): void => {
    for (const subscriber of subscribers.current()) {
      try {
        subscriber()
      } catch (error) {
        listeners.threw(error, { listener: 'stateChange' })
      }
    }
  }

  /** Each invitation's view as the last snapshot showed it; an invitation forgotten takes its own with it. */
  const kept = new WeakMap<Invitation, KeptView>()

  const rebuild = (previous: SignalingView | undefined): SignalingView => {
    const invitations = new Array<InvitationView>(state.invitations.size)
    let unchanged = previous !== undefined && previous.connected === state.connected && previous.invitations.length === invitations.length
    let i = 0
    for (const invitation of state.invitations.values()) {
      const before = kept.get(invitation)
      const now = keptView(state, invitation, before)
      if (now !== before) kept.set(invitation, now)
      if (previous?.invitations[i] !== now.view) unchanged = false
      invitations[i++] = now.view
    }
    if (unchanged) return previous!
    return Object.freeze({ invitations: Object.freeze(invitations), connected: state.connected, closed: false })
  }

  listeners.changes.add(() => {
    if (subscribers.size > 0) notify()
  })

  return {
    subscribe: (onChange) => {
      if (closed) return () => {}
      subscribers.add(onChange)
      return () => void subscribers.delete(onChange)
    },
    getSnapshot: () => {
      if (closed) return closedView
      if (current === undefined || state.revision !== seenRevision) {
        current = rebuild(current)
        seenRevision = state.revision
      }
      return current
    },
    close: () => {
      if (closed) return
      closed = true
      notify()
      subscribers.clear()
    },
  }
}
