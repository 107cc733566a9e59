/**
 * Waiting for a dropped session to come back as itself (XEP-0198 resumption), for a stanza whose
 * write failed because the connection was gone — reset by the server, say, as the write went out.
 *
 * @module
 */
import { TransportError } from '@beckon/core'
import type { SessionEvent } from './session.js'

/** What {@link whenResumed} watches: the session's events, and whether it can still be resumed. */
export interface ResumableSession {
  readonly resumable: boolean
  onEvent(listener: (event: SessionEvent) => void): () => void
}

/**
 * Resolves once the session is resumed; rejects with `TransportError('Disconnected')` as soon as
 * it cannot be: a new session started instead (the server no longer held the old one), or the
 * session stopped (the app disconnected, or the server refused the credentials). There is no timer:
 * a session that stays down but resumable is waited for, as the send confirmations wait for it,
 * and the server's own resumption timeout ends the wait with a new session.
 */
export const whenResumed = (session: ResumableSession): Promise<void> => {
  if (!session.resumable) return Promise.reject(new TransportError('Disconnected', 'the connection dropped and the session cannot be resumed'))
  return new Promise<void>((resolve, reject) => {
    const stop = session.onEvent((event) => {
      if (event === 'resumed') {
        stop()
        resolve()
      } else if (event === 'online') {
        stop()
        reject(new TransportError('Disconnected', 'the connection dropped and the server did not keep the session: the message was not sent'))
      } else if (!session.resumable) {
        stop()
        reject(new TransportError('Disconnected', 'the connection dropped and the session stopped before it was resumed: the message was not sent'))
      }
    })
  })
}
