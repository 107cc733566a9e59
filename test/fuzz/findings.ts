/**
 * The fuzz's findings, each probed on a fresh, tiny world before the fuzz starts: a finding that
 * still shows is set aside by the oracle (and counted); one that no longer shows is fuzzed like
 * any other hostile input, so the fuzz tightens by itself as the library is fixed. The same cases,
 * as assertions, are in `regressions.test.ts`.
 *
 * @module
 */
import { createSignaling, decodeEnvelope, type IncomingMessage, type Signaling } from '@beckon/core'
import { MemoryIm } from '@beckon/adapter-memory'

/**
 * - `F1`: deeply nested JSON under the 12 KB cap makes the codec throw (law 1).
 * - `F2`: a follow-up about an unknown invitation that can never apply (its claimed role is not
 *   its sender's, or a 1:1 message concerns other users) is held (law 2).
 * - `F7`: the same for a modify (a replaced invite): one from someone other than its inviter, or
 *   a 1:1 one that concerns other users, about an unknown invitation, is held (law 2).
 * - `F3`: a held message delivered again is held again (law 2).
 * - `F4`: a modify from the inviter whose envelope disagrees with the invitation (it names another
 *   inviter, or, 1:1, other invitees) is applied (law 2).
 * - `F5`: after a tombstone went early (`maxEndedInvitations`), a replay of its invite rings again,
 *   or a replay of its follow-ups is held (law 2).
 * - `F6`: the state-change listener is called after input that changed nothing (law 2).
 * - `transport`: not a finding: a well-formed group invite from (or to) a non-member. Only the IM
 *   knows group membership, and its contract is to never deliver it (the real sends check that).
 */
export type KnownFinding = 'F1' | 'F2' | 'F3' | 'F4' | 'F5' | 'F6' | 'F7' | 'transport'

const pair = (limits = {}) => {
  const im = new MemoryIm()
  const alice = createSignaling({ transport: im.connect('alice') })
  const transport = im.connect('bob')
  const received: IncomingMessage[] = []
  transport.onMessage((message) => received.push(message))
  const bob = createSignaling({ transport, limits })
  let callbacks = 0
  const count = (): void => {
    callbacks++
  }
  bob.addSignalingListener({ onReceiveNewInvitation: count, onInvitationModified: count })
  return { im, alice, bob, received, callbacks: () => callbacks }
}

const state = (signaling: Signaling): string => JSON.stringify(signaling.snapshot())

const envelope = (fields: Record<string, unknown>): string =>
  JSON.stringify({ businessID: 1, inviteID: 'unknown-1', groupID: '', inviter: 'alice', inviteeList: ['bob'], data: '', timeout: 30, actionType: 2, onlineUserOnly: false, ...fields })

/** Whether a message about an unknown invitation, injected at bob, changed bob's state. */
const heldAtBob = async (message: Partial<IncomingMessage> & { readonly payload: string }): Promise<boolean> => {
  const { im, bob } = pair()
  const before = state(bob)
  im.inject({ userID: 'bob' }, message)
  await im.settle()
  return state(bob) !== before
}

/** bob holds two 1:1 calls from alice, both cancelled; the first one's tombstone went early. */
const evicted = async () => {
  const world = pair({ maxEndedInvitations: 1 })
  const { im, alice } = world
  for (const data of ['call 1', 'call 2']) {
    const id = await alice.invite('bob', data, { timeout: 0 })
    await im.settle()
    await alice.cancel(id)
    await im.settle()
  }
  return world
}

/** Each finding's sample cases: it still shows if any of them misbehaves. */
const probes: Record<Exclude<KnownFinding, 'transport'>, (() => Promise<boolean>)[]> = {
  F1: [
    async () => {
      try {
        decodeEnvelope(`${'['.repeat(6000)}${']'.repeat(6000)}`)
        return false
      } catch {
        return true
      }
    },
  ],
  F2: [
    () => heldAtBob({ sender: 'mallory', payload: envelope({}) }), // a cancel from someone other than its inviter
    () => heldAtBob({ sender: 'mallory', payload: envelope({ actionType: 3 }) }), // an accept naming someone else
    () => heldAtBob({ sender: 'alice', payload: envelope({ inviteeList: ['carol'] }) }), // a 1:1 cancel for another user
  ],
  F7: [
    () => heldAtBob({ sender: 'mallory', modified: true, payload: envelope({ actionType: 1 }) }), // a modify from someone other than its inviter
    () => heldAtBob({ sender: 'carol', modified: true, payload: envelope({ inviter: 'carol', inviteeList: ['dave'], actionType: 1 }) }), // a 1:1 modify for others
  ],
  F3: [
    async () => {
      const { im, bob } = pair()
      const held = im.inject({ userID: 'bob' }, { sender: 'alice', payload: envelope({ beckon: { actionID: 'a-1' } }) })
      await im.settle()
      const before = state(bob)
      im.inject({ userID: 'bob' }, held)
      await im.settle()
      return state(bob) !== before
    },
  ],
  F4: [{ inviter: 'mallory' }, { inviteeList: ['carol'] }].map((fields) => async () => {
    const { im, alice, bob, received } = pair()
    const id = await alice.invite('bob', 'room', { timeout: 0 })
    await im.settle()
    const before = state(bob)
    const payload = envelope({ inviteID: id, actionType: 1, data: 'hijacked', ...fields })
    im.inject({ userID: 'bob' }, { ...received[0]!, modified: true, serverTime: im.clock.now() + 1, payload })
    await im.settle()
    return state(bob) !== before
  }),
  F5: [
    async () => {
      const { im, received, callbacks } = await evicted()
      const rang = callbacks()
      im.inject({ userID: 'bob' }, received[0]!) // the first call's invite, again
      await im.settle()
      return callbacks() !== rang
    },
    async () => {
      const { im, bob, received } = await evicted()
      const before = state(bob)
      im.inject({ userID: 'bob' }, received[1]!) // the first call's cancel, again
      await im.settle()
      return state(bob) !== before
    },
  ],
  F6: [
    async () => {
      const { im, bob } = pair()
      const subscribe = (bob as Partial<{ addStateChangeListener(listener: () => void): () => void }>).addStateChangeListener
      if (typeof subscribe !== 'function') return false
      let changes = 0
      subscribe.call(bob, () => void changes++)
      im.inject({ userID: 'bob' }, { sender: 'mallory', payload: envelope({ inviteID: 'x', actionType: 1 }) })
      await im.settle()
      return changes > 0
    },
  ],
}

/** Which findings still show in the library under test. */
export const presentFindings = async (): Promise<ReadonlySet<KnownFinding>> => {
  const present = new Set<KnownFinding>(['transport'])
  for (const [finding, cases] of Object.entries(probes)) {
    for (const misbehaves of cases) if (await misbehaves()) present.add(finding as KnownFinding)
  }
  return present
}
