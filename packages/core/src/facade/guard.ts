/**
 * The facade's front door: every call is checked before it reaches the shell, so a bad call says
 * which parameter is wrong, what was expected and what was given, and a call on a closed instance
 * says the instance is closed.
 *
 * How each kind of mistake is said follows the SPEC's line between callers' errors and
 * programmer errors: a promise method rejects with a `SignalingError` (6017 for a bad parameter,
 * 6014 once closed), as its other failures do; a synchronous method throws (`TypeError` for a bad
 * argument, `Error` once closed), as a programmer error should, at the line that made it.
 *
 * @module
 */
import { failure, SignalingError } from '../errors.js'
import { expected } from './describe.js'
import { answerProblem, functionProblem, groupInviteProblem, inviteProblem, listenerProblem } from './arguments.js'
import type { Signaling } from './types.js'

/** The facade before its front door: everything but the state the door keeps. */
export type Unguarded = Omit<Signaling, 'closed' | 'removeSignalingListener'>

const closedText = 'this signaling instance is closed (close() was called)'

/**
 * What `check` finds wrong with the arguments, a getter or proxy that throws being one problem.
 * The arguments are passed along rather than closed over: a closure or two per call were a tenth of
 * what a 1:1 lifecycle allocated through the facade.
 */
const problemIn = <A, B, C, D>(check: (a: A, b: B, c?: C, d?: D) => string | undefined, a: A, b: B, c?: C, d?: D): string | undefined => {
  try {
    return check(a, b, c, d)
  } catch (error) {
    return `reading the arguments threw ${error instanceof Error ? error.message : String(error)}`
  }
}

/** What `cancel`, `accept` and `reject` check, and what `modifyInvitation` checks (data required). */
const answerChecks = (inviteID: unknown, data: unknown): string | undefined => answerProblem(inviteID, data, false)
const modificationChecks = (inviteID: unknown, data: unknown): string | undefined => answerProblem(inviteID, data, true)
const inviteIDChecks = (inviteID: unknown): string | undefined => (typeof inviteID === 'string' ? undefined : expected('inviteID', 'a string', inviteID))
const listenerFunctionChecks = (listener: unknown): string | undefined => functionProblem('listener', listener)
const none = (): undefined => undefined

/**
 * Wraps `inner` so every call is checked first. `inner.close()` is called once, by the first
 * `close()`; from then on the wrapper refuses what no longer works.
 */
export const guardSignaling = (inner: Unguarded): Omit<Signaling, 'removeSignalingListener'> => {
  let closed = false

  /** A promise method: refused once closed or when `check` finds a problem, else `run` with the arguments. */
  const command = <A, B, C, D, T>(
    method: string,
    check: (a: A, b: B, c?: C, d?: D) => string | undefined,
    run: (a: A, b: B, c?: C, d?: D) => Promise<T>,
    a: A,
    b: B,
    c?: C,
    d?: D,
  ): Promise<T> => {
    if (closed) return Promise.reject(new SignalingError(failure('Disconnected', `${method}: ${closedText}; create another with createSignaling to go on`)))
    const problem = problemIn(check, a, b, c, d)
    return problem === undefined ? run(a, b, c, d) : Promise.reject(new SignalingError(failure('InvalidParameter', `${method}: ${problem}`)))
  }

  /** A synchronous call that needs a live instance (a view, a listener that would never be called). */
  const live = <A, T>(method: string, check: (a: A) => string | undefined, run: (a: A) => T, a: A): T => {
    if (closed) throw new Error(`${method}: ${closedText}; it no longer follows invitations or calls listeners (snapshot() still gives its state at close, for createSignaling({ restore }))`)
    const problem = problemIn(check, a, undefined)
    if (problem !== undefined) throw new TypeError(`${method}: ${problem}`)
    return run(a)
  }

  const self = inner.userID
  const inviteChecks = (invitee: unknown, data: unknown, options: unknown): string | undefined => inviteProblem(self, invitee, data, options)
  const groupInviteChecks = (groupID: unknown, inviteeList: unknown, data: unknown, options: unknown): string | undefined =>
    groupInviteProblem(self, groupID, inviteeList, data, options)

  return {
    userID: inner.userID,
    deviceID: inner.deviceID,
    get closed() {
      return closed
    },
    invite: (invitee, data, options) => command('invite', inviteChecks, inner.invite, invitee, data, options),
    inviteInGroup: (groupID, inviteeList, data, options) => command('inviteInGroup', groupInviteChecks, inner.inviteInGroup, groupID, inviteeList, data, options),
    cancel: (inviteID, data) => command('cancel', answerChecks, inner.cancel, inviteID, data),
    accept: (inviteID, data) => command('accept', answerChecks, inner.accept, inviteID, data),
    reject: (inviteID, data) => command('reject', answerChecks, inner.reject, inviteID, data),
    modifyInvitation: (inviteID, data) => command('modifyInvitation', modificationChecks, inner.modifyInvitation, inviteID, data),
    // Never throws (SPEC §2), closed or not: it only reads the message it is given.
    getSignalingInfo: (message) => inner.getSignalingInfo(message),
    addInvitedSignaling: (info) => command('addInvitedSignaling', none, inner.addInvitedSignaling, info, undefined),
    getInvitation: (inviteID) => live('getInvitation', inviteIDChecks, inner.getInvitation, inviteID),
    listInvitations: () => live('listInvitations', none, inner.listInvitations, undefined),
    snapshot: () => inner.snapshot(),
    // Never refused after close: a UI may render once more while it unmounts.
    subscribe: (onChange) => {
      const problem = functionProblem('onChange', onChange)
      if (problem !== undefined) throw new TypeError(`subscribe: ${problem}`)
      return inner.subscribe(onChange)
    },
    getSnapshot: inner.getSnapshot,
    addSignalingListener: (listener) => live('addSignalingListener', listenerProblem, inner.addSignalingListener, listener),
    addDiagnosticListener: (listener) => live('addDiagnosticListener', listenerFunctionChecks, inner.addDiagnosticListener, listener),
    addStateChangeListener: (listener) => live('addStateChangeListener', listenerFunctionChecks, inner.addStateChangeListener, listener),
    diagnosticCounts: () => inner.diagnosticCounts(),
    close: () => {
      if (closed) return
      closed = true
      inner.close()
    },
  }
}
