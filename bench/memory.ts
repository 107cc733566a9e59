/**
 * Retained memory per pending invitee: the heap a contender keeps for one N-invitee group
 * invitation, beyond the invitee id strings themselves, divided by N.
 *
 * The ids, the invite input and the one answer are made before the "before" reading and stay
 * alive, so they cancel out. Between the readings the contender receives the invite and that one
 * answer: the answer makes the engine build its lazily derived invitee index, which a pending
 * invitee costs as soon as anyone answers. What is left is the state the contender keeps (its
 * copy of the id list, per-invitee states, decisions, the index). Needs `--expose-gc`.
 *
 * @module
 */
import { answerOrder, groupAccept, groupInvite, inviteeIDs, type ReceivedInput } from './flows.js'

/** Receives `invite` then `answer` into a fresh state, and returns that state (kept alive). */
export type Holder = (invite: ReceivedInput, answer: ReceivedInput) => unknown

const heapAfterFullGc = (): number => {
  const gc = globalThis.gc
  if (gc === undefined) throw new Error('run node with --expose-gc')
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

/** Bytes retained per invitee of an `n`-invitee invitation, ids excluded. */
export const retainedPerInvitee = (n: number, hold: Holder): number => {
  const ids = inviteeIDs(n)
  const invite = groupInvite(ids)
  const answer = groupAccept(answerOrder(n)[0]!, 0)
  const before = heapAfterFullGc()
  const state = hold(invite, answer)
  const after = heapAfterFullGc()
  // Touch what must stay alive until the second reading.
  if (state === undefined || ids.length !== n) throw new Error('nothing held')
  return (after - before) / n
}
