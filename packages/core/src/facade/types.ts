/**
 * The public shape of the `Signaling` facade (SPEC §2).
 *
 * @module
 */
import type { Diagnostic, DiagnosticReason } from '../engine/io.js'
import type { EngineSnapshot } from '../engine/snapshot.js'
import type { Limits } from '../engine/state.js'
import type { InvitationView } from '../engine/views.js'
import type { Clock, ImTransport, IncomingMessage, OfflinePushInfo } from '../ports.js'
import type { Envelope } from '../wire/envelope.js'
import type { ListenerErrorContext } from './defaults.js'
import type { InspectOption } from './inspectOption.js'
import type { SignalingView } from './store.js'

/**
 * Listener callbacks, every one optional, arguments in the order of Tencent's native SDKs.
 * In a group every member's devices get every callback of an invitation; check `inviteeList`
 * to know whether this user is asked.
 */
export interface SignalingListener {
  /** An invitation rings (invitee) or is shown (group member). `groupID` is `''` for 1:1. */
  onReceiveNewInvitation?(inviteID: string, inviter: string, groupID: string, inviteeList: string[], data: string): void
  onInviteeAccepted?(inviteID: string, invitee: string, data: string): void
  onInviteeRejected?(inviteID: string, invitee: string, data: string): void
  /** `inviteeList`: the invitees this cancel ended (beckon's addition). */
  onInvitationCancelled?(inviteID: string, inviter: string, data: string, inviteeList: string[]): void
  onInvitationTimeout?(inviteID: string, inviteeList: string[]): void
  onInvitationModified?(inviteID: string, data: string): void
}

/**
 * What `getSignalingInfo` reads out of a message: Tencent's envelope with its defaults filled in
 * (*Tencent's `V2TIMSignalingInfo`*), plus the message's server time (beckon's addition).
 */
export type SignalingInfo = Omit<Envelope, 'beckon'> & {
  /** The server time of the message, when read from an incoming message. */
  readonly serverTime?: number
}

export interface InviteOptions {
  /** Seconds; default 30; `0` means no timeout and no timeout callbacks anywhere. */
  readonly timeout?: number
  /** Deliver only to devices online now; never stored, never pushed. Follow-ups inherit it. */
  readonly onlineUserOnly?: boolean
  readonly offlinePushInfo?: OfflinePushInfo
  /**
   * Who hears the answers of a group invitation (a beckon extension; ignored for 1:1, whose
   * answers reach only the inviter anyway). `'all'` (default, Tencent's way): every member sees
   * every accept, reject and invitee timeout. `'inviter'`, for rooms too large for that: answers
   * go only to the inviter's devices and the answerer's own; the invite, the inviter's cancel and
   * timeout still go to the group. The other members never see an answer: their view of another
   * invitee ends with the inviter's cancel or timeout that lists it, or else at their local expiry
   * (`timeout + 10 s` after the invite), as `onInvitationTimeout` — "no answer seen here". With
   * `timeout: 0` only a cancel ends it. Only beckon clients honour it: a Tencent client in the group
   * simply sees no answers.
   */
  readonly audience?: 'all' | 'inviter'
}

export interface SignalingOptions {
  readonly transport: ImTransport
  /** Local timers; defaults to the transport's own clock if it has one, else real time. */
  readonly clock?: Clock
  /**
   * Unique id source for invite and action ids; defaults to random version 4 UUIDs from the
   * runtime's `crypto.randomUUID`, else `crypto.getRandomValues`. A runtime with neither (older
   * React Native, some mini-program runtimes) must pass one: without it `createSignaling` throws
   * a `TypeError` that says so.
   */
  readonly ids?: () => string
  /**
   * Watch every invitee of every invitation this device knows as a live actor of the invitee
   * machine: what `createActor({ inspect })` takes (an observer or a function receiving XState
   * inspection events) or an inspector from `@statelyai/inspect` (`createBrowserInspector()`,
   * `createWebSocketInspector()`). Anything else throws a `TypeError`. Actor ids read
   * `<user>/<device> sees <invitee> of <inviteID>`.
   */
  readonly inspect?: InspectOption
  /** What an earlier instance's `snapshot()` returned. */
  readonly restore?: EngineSnapshot
  readonly limits?: Partial<Limits>
  /**
   * Where errors thrown by the app's listeners go (signaling, state change, diagnostic listeners
   * and the `inspect` observer), with the callback that threw. Defaults to the runtime's report of
   * an uncaught error: `reportError` where it exists (browsers, Deno, Bun), else `console.error`
   * with the error and its stack (Node). Either way the other listeners are still called, the
   * engine's state is as if the listener had returned, and a `listener-threw` diagnostic is
   * counted (except for a diagnostic listener, whose errors are only reported here).
   *
   * @example
   * ```ts
   * createSignaling({ transport, onListenerError: (error, { listener }) => Sentry.captureException(error, { tags: { listener } }) })
   * ```
   */
  readonly onListenerError?: (error: unknown, context: ListenerErrorContext) => void
}

/** The signaling API of one device. */
export interface Signaling {
  readonly userID: string
  readonly deviceID: string
  /**
   * `true` once `close()` was called. A closed instance follows nothing: its promise methods
   * reject with 6014 saying it is closed, and `getInvitation`, `listInvitations` and the
   * `add…Listener` methods throw; `snapshot()` still gives its state at close.
   */
  readonly closed: boolean
  /** Invites one user. Resolves with the invite id once the IM took the invite. */
  invite(invitee: string, data?: string, options?: InviteOptions): Promise<string>
  /** Invites members of a group; every member sees the invitation. */
  inviteInGroup(groupID: string, inviteeList: readonly string[], data?: string, options?: InviteOptions): Promise<string>
  cancel(inviteID: string, data?: string): Promise<void>
  accept(inviteID: string, data?: string): Promise<void>
  reject(inviteID: string, data?: string): Promise<void>
  /**
   * Replaces the invitation's `data` at every party; they get `onInvitationModified`. Only the
   * inviter, only for a stored (not online-only, 6017) invitation that is still active and not
   * past its deadline (8010, like `cancel` at the same moment: the invitees' devices have ended
   * their answers by then).
   *
   * The latest modification wins; within one server millisecond this device's later call wins
   * over its earlier one. Resolved means every party converges on `data` until a later
   * modification — with one exception: another of the inviter's devices modifying in the same
   * server millisecond without having seen this one's is concurrent. One of the two wins
   * everywhere; the losing call fails with 8016 (`Outranked`) if the winner reached this device
   * first, otherwise it resolved and this device then hears `onInvitationModified` with the
   * winner's data.
   */
  modifyInvitation(inviteID: string, data: string): Promise<void>
  /** The signaling content of a message, or `null` for any other message. Never throws. */
  getSignalingInfo(message: IncomingMessage | { readonly payload: string } | string): SignalingInfo | null
  /**
   * Inserts an invitation learned out of band (e.g. from a push payload); it does not ring. Without
   * `serverTime` its deadlines are a guess from now until the invite itself arrives from the inviter
   * it names (an invite from anyone else reusing its id is dropped as `forged-sender`).
   *
   * Never throws: any bad `info` rejects with 6017 saying which field, what was expected and what
   * was given (e.g. `timeout: expected a number of seconds from 0 to 2147483, got 30n`); so does a
   * 1:1 invitation that does not invite this user. 8012 if the invitation is already known.
   */
  addInvitedSignaling(info: SignalingInfo): Promise<void>
  getInvitation(inviteID: string): InvitationView | undefined
  listInvitations(): InvitationView[]
  /**
   * The engine's state as plain JSON, for `createSignaling({ restore })`; a new object at each
   * call. Still answers after `close()`. (For rendering, see {@link Signaling.getSnapshot}.)
   */
  snapshot(): EngineSnapshot
  /**
   * Calls `onChange` after every change of what {@link Signaling.getSnapshot} shows, and once at
   * `close()`; returns the unsubscribe function. With `getSnapshot`, the pair React's
   * `useSyncExternalStore` takes (and any store-based UI library: Zustand, Redux, Svelte, Vue).
   * Never refused after `close()` (it returns a no-op), so a UI may unmount at its own pace.
   *
   * @example
   * ```tsx
   * const view = useSyncExternalStore(signaling.subscribe, signaling.getSnapshot, signaling.getSnapshot)
   * const ringing = view.invitations.filter((i) => i.active && i.inviter !== signaling.userID)
   * ```
   */
  subscribe(onChange: () => void): () => void
  /**
   * What this device sees now, for rendering: its invitations (as `listInvitations()` shows them),
   * whether it is caught up with the IM, and whether it is closed. Referentially stable: the very
   * same object until something it shows changes, and an unchanged invitation keeps its object
   * across snapshots. Frozen, as it is shared. After `close()`: `{ invitations: [], connected:
   * false, closed: true }`.
   */
  getSnapshot(): SignalingView
  /**
   * Adds a listener object; returns the function that removes it. Tencent Web's shape
   * (`addSignalingListener(eventName, handler)`) throws a `TypeError` naming the member to use.
   */
  addSignalingListener(listener: SignalingListener): () => void
  /** Removes a listener object added before (as the function `addSignalingListener` returned does). */
  removeSignalingListener(listener: SignalingListener): void
  /** Bad input, dropped messages, listener errors: one report each. */
  addDiagnosticListener(listener: (diagnostic: Diagnostic) => void): () => void
  /**
   * Calls `listener` (with no argument) after every input that changed the engine's state: a
   * command, a message received or taken by the IM, a timer, a change of connection — whether or
   * not any view shows it (a message held for an invitation not yet known changes no view). It
   * is the moment to save `snapshot()` (debounce it as you like) so a restart loses nothing, not
   * even a message held silently. It runs synchronously at the end of that input's step,
   * after the signaling callbacks the step delivered. To re-render a UI, prefer `subscribe` /
   * `getSnapshot`, which skip changes no view shows. Returns the unsubscribe function.
   */
  addStateChangeListener(listener: () => void): () => void
  /** How many diagnostics of each reason so far. */
  diagnosticCounts(): Readonly<Partial<Record<DiagnosticReason, number>>>
  /**
   * Stops listening to the transport and clears every timer. A command whose message the IM has
   * not answered yet still settles from the IM's answer; any other pending promise is rejected.
   */
  close(): void
}
