/**
 * Retained memory, read as the JS heap plus the backing stores of typed arrays
 * (`process.memoryUsage()`'s `heapUsed + arrayBuffers`) after full GCs, so a structure that moves
 * its bulk into an `ArrayBuffer` is still counted. Needs `--expose-gc`.
 *
 * Per pending group invitee: one member device's state holding `invitations` group invitations of
 * `n` invitees each (many for small groups, so the figure is not a few bytes of noise over a few
 * KB, and each invitation's fixed cost is shared by its `n` invitees as in reality), after the
 * invite and one answer each (the first answer makes the engine build its derived invitee index).
 * The invitee id strings, the inputs and the answer are made before the first reading and stay
 * alive, so they cancel out: the figure is what a pending invitee costs beyond its id.
 *
 * @module
 */
import { groupContenders, type GroupContenderName, type GroupRun } from './contenders.js'
import { answerOrder, groupAccept, groupInvite, inviteeIDs, type ReceivedInput } from './flows.js'

/** Heap plus typed-array backing stores, after the GC has had every chance to collect. */
export const retainedBytes = (): number => {
  const gc = globalThis.gc
  if (gc === undefined) throw new Error('run node with --expose-gc')
  gc()
  gc()
  const { heapUsed, arrayBuffers } = process.memoryUsage()
  return heapUsed + arrayBuffers
}

/** What a measurement keeps alive until it has read the heap (an optimiser may drop dead locals). */
const kept: unknown[] = []

/** How many invitations to hold at once for groups of `n`: about 100,000 invitees, within the engine's caps. */
export const invitationsFor = (n: number): number => Math.max(1, Math.min(1_000, Math.floor(100_000 / n)))

/** An inviter for invitation `m`: a party admits 100 active invitations per inviter. */
const inviterOf = (m: number): string => `teacher-${Math.floor(m / 100)}`

/** Bytes retained per pending invitee of `name`'s state holding group invitations of `n` invitees. */
export const bytesPerPendingInvitee = (name: GroupContenderName, n: number): number => {
  const invitations = invitationsFor(n)
  const ids = inviteeIDs(n)
  const first = answerOrder(n)[0]!
  const inputs: [ReceivedInput, ReceivedInput][] = Array.from({ length: invitations }, (_, m) => {
    const inviteID = `group-invite-${m}`
    return [groupInvite(ids, inviteID, inviterOf(m)), groupAccept(first, 0, inviteID, inviterOf(m))]
  })
  // One state for every invitation: the reducers and the engine alike key invitations by id.
  const run: GroupRun = groupContenders[name](n)
  const before = retainedBytes()
  for (const [invite, answer] of inputs) {
    run.step(invite)
    run.step(answer)
  }
  const after = retainedBytes()
  // Everything made before the first reading must still be alive at the second.
  kept.push(run, inputs, ids)
  return (after - before) / (invitations * n)
}
