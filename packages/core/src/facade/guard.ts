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

/** Runs `check`, turning a getter or proxy that throws into the problem it is. */
const problemOf = (check: () => string | undefined): string | undefined => {
  try {
    return check()
  } catch (error) {
    return `reading the arguments threw ${error instanceof Error ? error.message : String(error)}`
  }
}

/**
 * Wraps `inner` so every call is checked first. `inner.close()` is called once, by the first
 * `close()`; from then on the wrapper refuses what no longer works.
 */
export const guardSignaling = (inner: Unguarded): Omit<Signaling, 'removeSignalingListener'> => {
  let closed = false

  const command = <T>(method: string, check: () => string | undefined, run: () => Promise<T>): Promise<T> => {
    if (closed) return Promise.reject(new SignalingError(failure('Disconnected', `${method}: ${closedText}; create another with createSignaling to go on`)))
    const problem = problemOf(check)
    return problem === undefined ? run() : Promise.reject(new SignalingError(failure('InvalidParameter', `${method}: ${problem}`)))
  }

  /** A synchronous call that needs a live instance (a view, a listener that would never be called). */
  const live = <T>(method: string, check: () => string | undefined, run: () => T): T => {
    if (closed) throw new Error(`${method}: ${closedText}; it no longer follows invitations or calls listeners (snapshot() still gives its state at close, for createSignaling({ restore }))`)
    const problem = problemOf(check)
    if (problem !== undefined) throw new TypeError(`${method}: ${problem}`)
    return run()
  }

  const none = () => undefined
  const self = inner.userID

  return {
    userID: inner.userID,
    deviceID: inner.deviceID,
    get closed() {
      return closed
    },
    invite: (invitee, data, options) => command('invite', () => inviteProblem(self, invitee, data, options), () => inner.invite(invitee, data, options)),
    inviteInGroup: (groupID, inviteeList, data, options) =>
      command('inviteInGroup', () => groupInviteProblem(self, groupID, inviteeList, data, options), () => inner.inviteInGroup(groupID, inviteeList, data, options)),
    cancel: (inviteID, data) => command('cancel', () => answerProblem(inviteID, data, false), () => inner.cancel(inviteID, data)),
    accept: (inviteID, data) => command('accept', () => answerProblem(inviteID, data, false), () => inner.accept(inviteID, data)),
    reject: (inviteID, data) => command('reject', () => answerProblem(inviteID, data, false), () => inner.reject(inviteID, data)),
    modifyInvitation: (inviteID, data) => command('modifyInvitation', () => answerProblem(inviteID, data, true), () => inner.modifyInvitation(inviteID, data)),
    // Never throws (SPEC §2), closed or not: it only reads the message it is given.
    getSignalingInfo: (message) => inner.getSignalingInfo(message),
    addInvitedSignaling: (info) => command('addInvitedSignaling', none, () => inner.addInvitedSignaling(info)),
    getInvitation: (inviteID) =>
      live('getInvitation', () => (typeof inviteID === 'string' ? undefined : expected('inviteID', 'a string', inviteID)), () => inner.getInvitation(inviteID)),
    listInvitations: () => live('listInvitations', none, () => inner.listInvitations()),
    snapshot: () => inner.snapshot(),
    // Never refused after close: a UI may render once more while it unmounts.
    subscribe: (onChange) => {
      const problem = functionProblem('onChange', onChange)
      if (problem !== undefined) throw new TypeError(`subscribe: ${problem}`)
      return inner.subscribe(onChange)
    },
    getSnapshot: inner.getSnapshot,
    addSignalingListener: (listener) => live('addSignalingListener', () => listenerProblem(listener), () => inner.addSignalingListener(listener)),
    addDiagnosticListener: (listener) => live('addDiagnosticListener', () => functionProblem('listener', listener), () => inner.addDiagnosticListener(listener)),
    addStateChangeListener: (listener) => live('addStateChangeListener', () => functionProblem('listener', listener), () => inner.addStateChangeListener(listener)),
    diagnosticCounts: () => inner.diagnosticCounts(),
    close: () => {
      if (closed) return
      closed = true
      inner.close()
    },
  }
}
