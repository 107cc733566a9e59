/**
 * A user on the Tencent-Web-shaped facade and a user on beckon's native facade call each other:
 * the shape of the API is all that differs, so each hears the other's calls with its own
 * listener shape, and both end with the same view of every invitee. Envelopes exactly as
 * Tencent's own Web client builds them (`test/vectors/tencent-web-envelopes.json`) reach the
 * facade as the events an app written for that client expects.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createSignaling, tencentWebFacade, type Signaling } from '@beckon/core'
import { MemoryIm } from '@beckon/adapter-memory'
import { recordEvery } from '../support/callbacks.js'
import { counterIds, TSignaling, webParty } from './support.js'

const SECOND = 1000

/** A native device that records its callbacks as `name(args…)`. */
const nativeParty = (im: MemoryIm, userID: string) => {
  const signaling = createSignaling({ transport: im.connect(userID), ids: counterIds(`${userID}:`) })
  const calls: string[] = []
  const record =
    (name: string) =>
    (...args: unknown[]) =>
      void calls.push(`${name}(${args.map((a) => JSON.stringify(a)).join(', ')})`)
  recordEvery(signaling, record)
  return { signaling, calls }
}

/** Who is in which state, as a device sees an invitation. */
const states = (signaling: Signaling, inviteID: string) => signaling.getInvitation(inviteID)?.invitees.map((i) => `${i.userID}:${i.state}`)

describe('Tencent Web facade → native facade', () => {
  it('invite, modify and accept reach the native user; the answer reaches the Tencent Web user', async () => {
    const im = new MemoryIm()
    const alice = webParty(im, 'alice')
    const bob = nativeParty(im, 'bob')
    const { inviteID } = await alice.chat.invite({ userID: 'bob', data: 'room 42', timeout: 30 })
    await im.settle()
    await alice.chat.modifyInvitation({ inviteID, data: 'room 43' })
    await im.settle()
    await bob.signaling.accept(inviteID, 'coming')
    await im.settle()
    expect({ bob: bob.calls, alice: alice.events, views: [states(alice.chat.native, inviteID), states(bob.signaling, inviteID)] }).toEqual({
      bob: [`onReceiveNewInvitation("${inviteID}", "alice", "", ["bob"], "room 42")`, `onInvitationModified("${inviteID}", "room 43")`],
      alice: [{ name: TSignaling.INVITEE_ACCEPTED, data: { inviteID, inviter: 'alice', groupID: '', invitee: 'bob', data: 'coming' } }],
      views: [['bob:accepted'], ['bob:accepted']],
    })
  })

  it('a cancel reaches the native user with the invitees it ended', async () => {
    const im = new MemoryIm()
    const alice = webParty(im, 'alice')
    const bob = nativeParty(im, 'bob')
    const { inviteID } = await alice.chat.invite({ userID: 'bob', data: 'room', timeout: 30 })
    await im.settle()
    await alice.chat.cancel({ inviteID, data: 'sorry' })
    await im.settle()
    expect(bob.calls.at(-1)).toBe(`onInvitationCancelled("${inviteID}", "alice", "sorry", ["bob"])`)
  })

  it("an invitation without a timeout stays open at the native user too (Tencent Web's default)", async () => {
    const im = new MemoryIm()
    const alice = webParty(im, 'alice')
    const bob = nativeParty(im, 'bob')
    const { inviteID } = await alice.chat.invite({ userID: 'bob' })
    await im.settle()
    await im.clock.advance(5 * 60 * SECOND)
    expect({ timeout: bob.signaling.getInvitation(inviteID)?.timeout, states: states(bob.signaling, inviteID) }).toEqual({ timeout: 0, states: ['bob:pending'] })
  })
})

describe('native facade → Tencent Web facade', () => {
  it('invite and reject: the Tencent Web user rings and answers, the native user hears it', async () => {
    const im = new MemoryIm()
    const alice = webParty(im, 'alice')
    const bob = nativeParty(im, 'bob')
    const inviteID = await bob.signaling.invite('alice', 'room 7')
    await im.settle()
    await alice.chat.reject({ inviteID, data: 'busy' })
    await im.settle()
    expect({ alice: alice.events, bob: bob.calls }).toEqual({
      alice: [{ name: TSignaling.NEW_INVITATION_RECEIVED, data: { inviteID, inviter: 'bob', groupID: '', inviteeList: ['alice'], data: 'room 7' } }],
      bob: [`onInviteeRejected("${inviteID}", "alice", "busy")`],
    })
  })

  it("the native default of 30 s holds: the Tencent Web user's own timeout comes at 30 s", async () => {
    const im = new MemoryIm()
    const alice = webParty(im, 'alice')
    const bob = nativeParty(im, 'bob')
    const inviteID = await bob.signaling.invite('alice', 'room 7')
    await im.settle()
    await im.clock.advance(29 * SECOND)
    const before = alice.eventsNamed(TSignaling.INVITATION_TIMEOUT).length
    await im.clock.advance(2 * SECOND)
    expect({ before, alice: alice.eventsNamed(TSignaling.INVITATION_TIMEOUT), bob: bob.calls }).toEqual({
      before: 0,
      alice: [{ name: TSignaling.INVITATION_TIMEOUT, data: { inviteID, inviter: 'bob', groupID: '', data: 'room 7', inviteeList: ['alice'], isSelfTimeout: true } }],
      bob: [`onInvitationTimeout("${inviteID}", ["alice"])`],
    })
  })

  it('a group invitation from a native teacher rings the Tencent Web student, whose accept the teacher hears', async () => {
    const im = new MemoryIm()
    const teacher = nativeParty(im, 'teacher')
    const s1 = webParty(im, 's1')
    await im.connect('setup').createGroup('class-7', ['teacher', 's1', 'setup'])
    await im.settle()
    const inviteID = await teacher.signaling.inviteInGroup('class-7', ['s1'], 'quiz', { timeout: 30 })
    await im.settle()
    await s1.chat.accept({ inviteID, data: 'me!' })
    await im.settle()
    expect({ s1: s1.events.map((e) => e.name), teacher: teacher.calls }).toEqual({
      s1: [TSignaling.NEW_INVITATION_RECEIVED],
      teacher: [`onInviteeAccepted("${inviteID}", "s1", "me!")`],
    })
  })
})

describe('both facades on one device', () => {
  it('see the same invitations: an answer given through one is known to the other', async () => {
    const im = new MemoryIm()
    const alice = nativeParty(im, 'alice')
    const bobNative = createSignaling({ transport: im.connect('bob') })
    const bobWeb = tencentWebFacade(bobNative)
    const inviteID = await alice.signaling.invite('bob', 'room')
    await im.settle()
    await bobWeb.accept({ inviteID })
    expect(await bobNative.accept(inviteID).then(() => 'accepted twice', (e: { code: number }) => e.code)).toBe(8010)
  })
})

describe("Tencent's own Web client → Tencent Web facade", () => {
  const vectors = new Map(
    (JSON.parse(readFileSync(new URL('../vectors/tencent-web-envelopes.json', import.meta.url), 'utf8')) as { vectors: { name: string; payload: string }[] }).vectors.map(
      (v) => [v.name, v.payload] as const,
    ),
  )

  it("an invite and a cancel as @tencentcloud/chat builds them reach the app with Tencent Web's events", async () => {
    const im = new MemoryIm()
    const bx = webParty(im, 'bx')
    const invite = vectors.get('chat/c2c-invite')!
    const { inviteID, data } = JSON.parse(invite) as { inviteID: string; data: string }
    const fromTx = { sender: 'tx', senderDevice: 'web', conversation: { kind: 'user', userID: 'tx' } } as const
    im.inject({ userID: 'bx' }, { ...fromTx, payload: invite })
    await im.settle()
    im.inject({ userID: 'bx' }, { ...fromTx, payload: JSON.stringify({ ...(JSON.parse(vectors.get('chat/c2c-cancel')!) as object), inviteID }) })
    await im.settle()
    expect(bx.events).toEqual([
      { name: TSignaling.NEW_INVITATION_RECEIVED, data: { inviteID, inviter: 'tx', groupID: '', inviteeList: ['bx'], data } },
      { name: TSignaling.INVITATION_CANCELLED, data: { inviteID, inviter: 'tx', groupID: '', data: 'bye', inviteeList: ['bx'] } },
    ])
  })
})
