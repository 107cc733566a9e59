/**
 * A ringing screen: who is calling, with Accept and Reject, or "No incoming call". It reads
 * everything from the signaling's store and holds only what the store does not know: that an
 * answer is on its way, and the error it may end with.
 *
 * @module
 */
import { useState } from 'react'
import { SignalingError, type Signaling } from '@beckon/core'
import { useRingingInvitation, useSignalingView } from './useSignaling.js'

export interface RingingScreenProps {
  readonly signaling: Signaling
}

/** Why an answer failed, in words for the user. */
const problemOf = (error: unknown): string => {
  if (!(error instanceof SignalingError)) return 'Something went wrong'
  // 8010: the call ended meanwhile (cancelled, timed out, or answered on another device).
  if (error.code === 8010) return 'The call is over'
  if (error.code === 6014) return 'You are offline'
  return error.message
}

/** Rings for the oldest invitation to this user; answers it with the buttons. */
export const RingingScreen = ({ signaling }: RingingScreenProps) => {
  const { connected } = useSignalingView(signaling)
  const ringing = useRingingInvitation(signaling)
  const [answering, setAnswering] = useState(false)
  const [problem, setProblem] = useState<string | undefined>(undefined)

  const answer = (how: 'accept' | 'reject', inviteID: string): void => {
    setAnswering(true)
    setProblem(undefined)
    signaling[how](inviteID).then(
      () => setAnswering(false),
      (error: unknown) => {
        setAnswering(false)
        setProblem(problemOf(error))
      },
    )
  }

  return (
    <section aria-label="Calls">
      {!connected && <p role="status">Connecting…</p>}
      {ringing === undefined ? (
        <p>No incoming call</p>
      ) : (
        <div role="dialog" aria-label="Incoming call">
          <h1>{ringing.inviter} is calling</h1>
          {ringing.groupID !== '' && <p>in {ringing.groupID}</p>}
          <button type="button" disabled={answering} onClick={() => answer('accept', ringing.inviteID)}>
            Accept
          </button>
          <button type="button" disabled={answering} onClick={() => answer('reject', ringing.inviteID)}>
            Reject
          </button>
        </div>
      )}
      {problem !== undefined && <p role="alert">{problem}</p>}
    </section>
  )
}
