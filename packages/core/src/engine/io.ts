/**
 * What goes into the engine (inputs: the app's commands, incoming messages, fired timers,
 * connection changes, the IM's answers to sends) and what comes out (effects, as data: send this,
 * notify that listener, arm or clear that timer, settle that command's promise, report that).
 *
 * Every input carries `now`, the transport's estimate of the IM server's clock. Inputs that may make
 * the engine send a message of its own also carry an `actionID` (a fresh unique id) for it; a
 * received message, a connection change and the IM's answer to a send never do, so the shell
 * mints no id for them.
 *
 * @module
 */
import type { Either } from 'fp-ts/lib/Either.js'
import type { SignalingFailure } from '../errors.js'
import type { InviteeEvent, InviteeState } from '../machine/inviteeMachine.js'
import type { ConnectionState, Conversation, IncomingMessage, OfflinePushInfo, SendOptions, SendReceipt } from '../ports.js'
import type { Envelope } from '../wire/envelope.js'
import type { Invitation } from './state.js'

// -------------------------------------------------------------------------------------------------
// Inputs
// -------------------------------------------------------------------------------------------------

interface Timed {
  /** The IM server's clock now, as the transport estimates it. */
  readonly now: number
  /** Not read: these inputs never make the engine send. */
  readonly actionID?: string
}

interface Stamped extends Timed {
  /** A fresh unique id for a message this input may make the engine send. */
  readonly actionID: string
}

interface Command extends Stamped {
  readonly commandID: string
}

export type InviteCommand = Command & {
  readonly type: 'command.invite'
  readonly inviteID: string
  /** `''` for 1:1. */
  readonly groupID: string
  readonly inviteeList: readonly string[]
  /** The group's members, as the IM listed them just before (group invitations only). */
  readonly members?: readonly string[]
  readonly data: string
  readonly timeout: number
  readonly onlineUserOnly: boolean
  readonly offlinePushInfo?: OfflinePushInfo
  /** Group invitations: `'inviter'` sends answers only to the inviter (`audience.ts`). */
  readonly audience?: 'all' | 'inviter'
}

export type AnswerCommand = Command & {
  readonly type: 'command.cancel' | 'command.accept' | 'command.reject' | 'command.modify'
  readonly inviteID: string
  readonly data: string
}

export type AddInvitedCommand = Command & {
  readonly type: 'command.addInvited'
  readonly envelope: Envelope
  /** Server time of the invite when known (e.g. from `getSignalingInfo`); else `now` is assumed. */
  readonly serverTime?: number
}

export type Input =
  | InviteCommand
  | AnswerCommand
  | AddInvitedCommand
  /** The IM took the message of send effect `sendID`. */
  | (Timed & { readonly type: 'send.taken'; readonly sendID: string; readonly receipt: SendReceipt })
  /** The IM refused the message of send effect `sendID`. */
  | (Timed & { readonly type: 'send.failed'; readonly sendID: string; readonly failure: SignalingFailure })
  | (Timed & { readonly type: 'message.received'; readonly message: IncomingMessage; readonly envelope: Envelope })
  /** The timer `key` (an invite id: see `timer.set`) came due. */
  | (Stamped & { readonly type: 'timer.fired'; readonly key: string })
  | (Timed & { readonly type: 'connection.changed'; readonly state: ConnectionState })

// -------------------------------------------------------------------------------------------------
// Notifications (the listener callbacks of SPEC §2, as data)
// -------------------------------------------------------------------------------------------------

export type Notification =
  | {
      readonly type: 'onReceiveNewInvitation'
      readonly inviteID: string
      readonly inviter: string
      readonly groupID: string
      readonly inviteeList: readonly string[]
      readonly data: string
    }
  | { readonly type: 'onInviteeAccepted'; readonly inviteID: string; readonly invitee: string; readonly data: string }
  | { readonly type: 'onInviteeRejected'; readonly inviteID: string; readonly invitee: string; readonly data: string }
  | {
      readonly type: 'onInvitationCancelled'
      readonly inviteID: string
      readonly inviter: string
      readonly data: string
      readonly inviteeList: readonly string[]
    }
  | { readonly type: 'onInvitationTimeout'; readonly inviteID: string; readonly inviteeList: readonly string[] }
  | { readonly type: 'onInvitationModified'; readonly inviteID: string; readonly data: string }

// -------------------------------------------------------------------------------------------------
// Diagnostics
// -------------------------------------------------------------------------------------------------

/** Why an input changed nothing, or what the engine had to drop. */
export type DiagnosticReason =
  | 'not-json'
  | 'oversized'
  | 'not-signaling'
  | 'malformed'
  | 'expired-message'
  | 'forged-sender'
  | 'not-addressed'
  | 'not-invitee'
  | 'conversation-mismatch'
  | 'duplicate'
  | 'outranked'
  | 'held'
  | 'held-dropped'
  | 'limit-invitees'
  | 'limit-active'
  | 'limit-held'
  | 'limit-ended'
  | 'limit-inviter'
  /** An open-ended invitation (timeout 0) retired to make room under the caps (SPEC §8). */
  | 'retired'
  | 'listener-threw'
  | 'inspector-mismatch'

export interface Diagnostic {
  readonly reason: DiagnosticReason
  readonly detail: string
  readonly inviteID?: string
  readonly messageID?: string
}

// -------------------------------------------------------------------------------------------------
// Effects
// -------------------------------------------------------------------------------------------------

export type Effect =
  | {
      readonly type: 'send'
      /** Echoed back in `send.taken` / `send.failed`. */
      readonly sendID: string
      readonly to: Conversation
      readonly envelope: Envelope
      readonly options: SendOptions
    }
  | {
      readonly type: 'replace'
      readonly sendID: string
      readonly to: Conversation
      readonly messageID: string
      readonly envelope: Envelope
    }
  | { readonly type: 'notify'; readonly notification: Notification }
  /**
   * Arm (or move) the timer `key` to fire at server time `at`. The key is an invite id: one timer
   * per active invitation (its earliest deadline), one for the tombstone that ended first (its
   * removal, which removes every tombstone then due), or one per invite id whose messages are held.
   */
  | {
      readonly type: 'timer.set'
      readonly key: string
      readonly at: number
      /** A deadline: read the server's clock before it fires (false for the removal of what is kept). */
      readonly deadline: boolean
    }
  /**
   * Disarm the timer `key`. When the invitation whose timer it is was forgotten in the same step
   * (a tombstone dropped early), `invitation` names it: a shell that keeps what it knows of a timer
   * in the invitation finds it there, no longer by the invite id.
   */
  | { readonly type: 'timer.clear'; readonly key: string; readonly invitation?: Invitation }
  | { readonly type: 'settle'; readonly commandID: string; readonly result: Either<SignalingFailure, string> }
  | { readonly type: 'diagnostic'; readonly diagnostic: Diagnostic }
  /** Only with `config.trace`: an invitee took a transition (mirrored into the Stately inspector). */
  | {
      readonly type: 'trace'
      readonly inviteID: string
      readonly invitee: string
      readonly event: InviteeEvent
      readonly state: InviteeState
    }
  /**
   * Only with `config.trace`: an invitation appeared in (`created`) or left (`removed`) the state,
   * or its listed invitees went back to their initial state (`reset`: the IM refused this device's
   * own fact, so it never happened; the facts still standing follow as `trace` effects).
   */
  | { readonly type: 'trace.invitation'; readonly change: 'created' | 'removed' | 'reset'; readonly inviteID: string; readonly invitees: readonly string[] }

/** What `step` returns. */
export interface StepResult<S> {
  readonly state: S
  readonly effects: readonly Effect[]
  /** Whether the input changed the state (bad input and duplicates change nothing). */
  readonly changed: boolean
}
