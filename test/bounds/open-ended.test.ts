/**
 * Open-ended invitations (timeout 0) under the caps, as a property (SPEC §8): random invitations,
 * open-ended or with a deadline, from a few peers to one party with small caps, with time passing
 * between them so some deadlines pass.
 */
import { fc, test } from '@fast-check/vitest'
import { expect } from 'vitest'
import { createSignaling, SignalingError, type Diagnostic, type IncomingMessage, type Signaling } from '@beckon/core'
import { MemoryIm } from '@beckon/adapter-memory'

const limits = { maxActivePerInviter: 3, maxActiveInvitations: 5 }
const peers = ['p0', 'p1', 'p2', 'p3']

const step = fc.record({
  peer: fc.constantFrom(...peers),
  openEnded: fc.boolean(),
  /** Seconds that pass before this invitation. */
  wait: fc.constantFrom(0, 0, 1, 10, 25),
  /** Then a late copy of an invite bob got earlier (by index, modulo how many there were). */
  replay: fc.option(fc.nat(), { freq: 3 }),
})

const active = (signaling: Signaling) => signaling.listInvitations().filter((view) => view.active)

const code = (promise: Promise<unknown>) => promise.then(() => 'resolved', (e: unknown) => (e instanceof SignalingError ? e.code : String(e)))

// Laws, after every invitation:
// - what bob holds active stays within both caps;
// - an arriving invitation is dropped only if every active invitation holding the cap it hit has a
//   deadline (open-ended ones give way first), and a retired invitation never rings again;
// - a peer's own invite fails with 8014 only if every active invitation it holds has a deadline.
test.prop([fc.array(step, { minLength: 1, maxLength: 40 })], { numRuns: 60 })('open-ended invitations give way under the caps, and only they do', async (steps) => {
  const im = new MemoryIm()
  const bob = createSignaling({ transport: im.connect('bob'), limits })
  const senders = new Map(peers.map((peer) => [peer, createSignaling({ transport: im.connect(peer), limits: { maxActiveInvitations: 4 } })]))
  const diagnostics: Diagnostic[] = []
  bob.addDiagnosticListener((d) => diagnostics.push(d))
  const rang: string[] = []
  bob.addSignalingListener({ onReceiveNewInvitation: (inviteID) => rang.push(inviteID) })
  const got: IncomingMessage[] = []
  im.connect('bob').onMessage((message) => got.push(message))

  for (const { peer, openEnded, wait, replay } of steps) {
    await im.clock.advance(wait * 1000)
    const sender = senders.get(peer)!
    const ownOpenEnded = active(sender).some((view) => view.timeout === 0)
    const held = active(bob)
    const result = await code(sender.invite('bob', peer, { timeout: openEnded ? 0 : 30 }))
    if (result !== 'resolved') {
      expect(result).toBe(8014)
      expect(ownOpenEnded).toBe(false)
      continue
    }
    const before = diagnostics.length
    await im.settle()
    const dropped = diagnostics.slice(before).filter((d) => d.reason === 'limit-inviter' || d.reason === 'limit-active')
    for (const drop of dropped) {
      const holding = drop.reason === 'limit-inviter' ? held.filter((view) => view.inviter === peer) : held
      expect(holding.filter((view) => view.timeout === 0)).toEqual([])
    }
    const now = active(bob)
    expect(now.length).toBeLessThanOrEqual(limits.maxActiveInvitations)
    for (const p of peers) expect(now.filter((view) => view.inviter === p).length).toBeLessThanOrEqual(limits.maxActivePerInviter)
    const copy = replay === null || got.length === 0 ? undefined : got[replay % got.length]
    if (copy !== undefined) im.inject({ userID: 'bob' }, { ...copy, messageID: `${copy.messageID}-late` })
    await im.settle()
  }
  expect(new Set(rang).size).toBe(rang.length)
})
