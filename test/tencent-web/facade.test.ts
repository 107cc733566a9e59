/**
 * The Tencent-Web-shaped facade between two (or three) users on one `MemoryIm`: every method with
 * Tencent Web's option objects and results, every event with Tencent Web's name and `data`
 * payload, and the timeout default of Tencent Web (none).
 */
import { describe, expect, it } from 'vitest'
import { createTencentWebSignaling } from '@beckon/core'
import { MemoryIm } from '@beckon/adapter-memory'
import { TSignaling, webParty } from './support.js'

const SECOND = 1000

const twoUsers = () => {
  const im = new MemoryIm()
  return { im, alice: webParty(im, 'alice'), bob: webParty(im, 'bob') }
}

describe('TSignaling', () => {
  it("carries Tencent Web's event names and action types", () => {
    expect(TSignaling).toEqual({
      NEW_INVITATION_RECEIVED: 'newInvitationReceived',
      INVITEE_ACCEPTED: 'ts_invitee_accepted',
      INVITEE_REJECTED: 'ts_invitee_rejected',
      INVITATION_CANCELLED: 'ts_invitation_cancelled',
      INVITATION_TIMEOUT: 'ts_invitation_timeout',
      INVITATION_MODIFIED: 'ts_invitation_modified',
      ACTION_TYPE_UNKNOWN: 0,
      ACTION_TYPE_INVITE: 1,
      ACTION_TYPE_CANCEL_INVITE: 2,
      ACTION_TYPE_ACCEPT_INVITE: 3,
      ACTION_TYPE_REJECT_INVITE: 4,
      ACTION_TYPE_INVITE_TIMEOUT: 5,
    })
  })
})

describe('invite({ userID, data, timeout })', () => {
  it('resolves with code 0 and the inviteID, at the top level and in data', async () => {
    const { alice } = twoUsers()
    const response = await alice.chat.invite({ userID: 'bob', data: 'room 42', timeout: 30 })
    expect(response).toEqual({ code: 0, inviteID: 'alice:0001', data: { inviteID: 'alice:0001' } })
  })

  it("rings the invitee with NEW_INVITATION_RECEIVED and Tencent Web's payload", async () => {
    const { im, alice, bob } = twoUsers()
    await alice.chat.invite({ userID: 'bob', data: 'room 42', timeout: 30 })
    await im.settle()
    expect(bob.events).toEqual([
      { name: 'newInvitationReceived', data: { inviteID: 'alice:0001', inviter: 'alice', groupID: '', inviteeList: ['bob'], data: 'room 42' } },
    ])
  })

  it("without a timeout never times out (Tencent Web's default is 0)", async () => {
    const { im, alice, bob } = twoUsers()
    const { inviteID } = await alice.chat.invite({ userID: 'bob' })
    await im.settle()
    await im.clock.advance(10 * 60 * SECOND)
    expect({
      timeout: alice.chat.native.getInvitation(inviteID)?.timeout,
      active: bob.chat.native.getInvitation(inviteID)?.active,
      timeouts: [...alice.eventsNamed(TSignaling.INVITATION_TIMEOUT), ...bob.eventsNamed(TSignaling.INVITATION_TIMEOUT)],
    }).toEqual({ timeout: 0, active: true, timeouts: [] })
  })

  it('takes a facade-wide default timeout instead', async () => {
    const im = new MemoryIm()
    const alice = webParty(im, 'alice', { defaultTimeout: 30 })
    const { inviteID } = await alice.chat.invite({ userID: 'bob' })
    expect(alice.chat.native.getInvitation(inviteID)?.timeout).toBe(30)
  })

  it('hands onlineUserOnly and offlinePushInfo to the engine', async () => {
    const im = new MemoryIm()
    const alice = webParty(im, 'alice')
    const { inviteID } = await alice.chat.invite({ userID: 'bob', onlineUserOnly: true, offlinePushInfo: { title: 'Call', description: 'alice calls' } })
    expect(alice.chat.native.getInvitation(inviteID)?.onlineUserOnly).toBe(true)
  })
})

describe('accept, reject, cancel, modifyInvitation({ inviteID, data })', () => {
  it('accept resolves with the inviteID and tells the inviter with INVITEE_ACCEPTED', async () => {
    const { im, alice, bob } = twoUsers()
    const { inviteID } = await alice.chat.invite({ userID: 'bob', timeout: 30 })
    await im.settle()
    const response = await bob.chat.accept({ inviteID, data: 'on my way' })
    await im.settle()
    expect({ response, alice: alice.events }).toEqual({
      response: { code: 0, inviteID, data: { inviteID } },
      alice: [{ name: 'ts_invitee_accepted', data: { inviteID, inviter: 'alice', groupID: '', invitee: 'bob', data: 'on my way' } }],
    })
  })

  it('reject tells the inviter with INVITEE_REJECTED', async () => {
    const { im, alice, bob } = twoUsers()
    const { inviteID } = await alice.chat.invite({ userID: 'bob', timeout: 30 })
    await im.settle()
    await bob.chat.reject({ inviteID, data: 'busy' })
    await im.settle()
    expect(alice.events).toEqual([{ name: 'ts_invitee_rejected', data: { inviteID, inviter: 'alice', groupID: '', invitee: 'bob', data: 'busy' } }])
  })

  it('cancel tells the invitee with INVITATION_CANCELLED, naming the invitees it ended', async () => {
    const { im, alice, bob } = twoUsers()
    const { inviteID } = await alice.chat.invite({ userID: 'bob', timeout: 30 })
    await im.settle()
    const response = await alice.chat.cancel({ inviteID, data: 'never mind' })
    await im.settle()
    expect({ response, bob: bob.eventsNamed(TSignaling.INVITATION_CANCELLED) }).toEqual({
      response: { code: 0, inviteID, data: { inviteID } },
      bob: [{ name: 'ts_invitation_cancelled', data: { inviteID, inviter: 'alice', groupID: '', data: 'never mind', inviteeList: ['bob'] } }],
    })
  })

  it('modifyInvitation tells the invitee with INVITATION_MODIFIED', async () => {
    const { im, alice, bob } = twoUsers()
    const { inviteID } = await alice.chat.invite({ userID: 'bob', data: 'v1', timeout: 30 })
    await im.settle()
    const response = await alice.chat.modifyInvitation({ inviteID, data: 'v2' })
    await im.settle()
    expect({ response, bob: bob.eventsNamed(TSignaling.INVITATION_MODIFIED) }).toEqual({
      response: { code: 0, inviteID, data: { inviteID } },
      bob: [{ name: 'ts_invitation_modified', data: { inviteID, data: 'v2' } }],
    })
  })
})

describe('INVITATION_TIMEOUT', () => {
  it("marks the invitee's own timeout isSelfTimeout and the inviter's news of it not", async () => {
    const { im, alice, bob } = twoUsers()
    const { inviteID } = await alice.chat.invite({ userID: 'bob', data: 'room', timeout: 30 })
    await im.settle()
    await im.clock.advance(31 * SECOND)
    const payload = { inviteID, inviter: 'alice', groupID: '', data: 'room', inviteeList: ['bob'] }
    expect({ bob: bob.eventsNamed(TSignaling.INVITATION_TIMEOUT), alice: alice.eventsNamed(TSignaling.INVITATION_TIMEOUT) }).toEqual({
      bob: [{ name: 'ts_invitation_timeout', data: { ...payload, isSelfTimeout: true } }],
      alice: [{ name: 'ts_invitation_timeout', data: { ...payload, isSelfTimeout: false } }],
    })
  })

  it("marks the inviter's own timeout isSelfTimeout when the invitee never answered", async () => {
    const { im, alice, bob } = twoUsers()
    bob.transport.disconnect()
    const { inviteID } = await alice.chat.invite({ userID: 'bob', data: 'room', timeout: 30 })
    await im.clock.advance(36 * SECOND)
    expect(alice.eventsNamed(TSignaling.INVITATION_TIMEOUT)).toEqual([
      { name: 'ts_invitation_timeout', data: { inviteID, inviter: 'alice', groupID: '', data: 'room', inviteeList: ['bob'], isSelfTimeout: true } },
    ])
  })
})

describe('inviteInGroup({ groupID, inviteeList })', () => {
  const classroom = async (observe = false) => {
    const im = new MemoryIm()
    const teacher = webParty(im, 'teacher')
    const s1 = webParty(im, 's1')
    const s2 = webParty(im, 's2', { observeGroupInvitations: observe })
    await teacher.transport.createGroup('class-7', ['teacher', 's1', 's2'])
    await im.settle()
    return { im, teacher, s1, s2 }
  }

  it('rings the listed invitees and tells the inviter their answers', async () => {
    const { im, teacher, s1 } = await classroom()
    const response = await teacher.chat.inviteInGroup({ groupID: 'class-7', inviteeList: ['s1'], data: 'quiz', timeout: 30 })
    await im.settle()
    await s1.chat.accept({ inviteID: response.inviteID, data: 'me!' })
    await im.settle()
    const { inviteID } = response
    expect({ response, s1: s1.events, teacher: teacher.events }).toEqual({
      response: { code: 0, inviteID, data: { inviteID } },
      s1: [{ name: 'newInvitationReceived', data: { inviteID, inviter: 'teacher', groupID: 'class-7', inviteeList: ['s1'], data: 'quiz' } }],
      teacher: [{ name: 'ts_invitee_accepted', data: { inviteID, inviter: 'teacher', groupID: 'class-7', invitee: 's1', data: 'me!' } }],
    })
  })

  it('keeps a member who is not invited out of it, as Tencent Web does', async () => {
    const { im, teacher, s1, s2 } = await classroom()
    const { inviteID } = await teacher.chat.inviteInGroup({ groupID: 'class-7', inviteeList: ['s1'], data: 'quiz', timeout: 30 })
    await im.settle()
    await s1.chat.reject({ inviteID })
    await im.settle()
    expect(s2.events).toEqual([])
  })

  it('shows that member everything when asked to observe group invitations', async () => {
    const { im, teacher, s1, s2 } = await classroom(true)
    const { inviteID } = await teacher.chat.inviteInGroup({ groupID: 'class-7', inviteeList: ['s1'], data: 'quiz', timeout: 30 })
    await im.settle()
    await s1.chat.reject({ inviteID, data: 'no' })
    await im.settle()
    expect(s2.events.map((event) => event.name)).toEqual(['newInvitationReceived', 'ts_invitee_rejected'])
  })
})

describe('addSignalingListener / removeSignalingListener(eventName, handler, context)', () => {
  /** alice records everything; bob's facade has no handlers yet. */
  const bareBob = () => {
    const im = new MemoryIm()
    return { im, alice: webParty(im, 'alice'), bob: { chat: createTencentWebSignaling({ transport: im.connect('bob') }) } }
  }

  it('calls a handler once per registration, with this bound to its context, until removed', async () => {
    const { im, alice, bob } = bareBob()
    const seen: string[] = []
    const context = { who: 'ringer' }
    function handler(this: { who: string } | undefined, event: { name: string }) {
      seen.push(`${this?.who ?? 'nobody'}:${event.name}`)
    }
    bob.chat.addSignalingListener(TSignaling.NEW_INVITATION_RECEIVED, handler, context)
    bob.chat.addSignalingListener(TSignaling.NEW_INVITATION_RECEIVED, handler)
    await alice.chat.invite({ userID: 'bob', timeout: 30 })
    await im.settle()
    bob.chat.removeSignalingListener(TSignaling.NEW_INVITATION_RECEIVED, handler, context)
    await alice.chat.invite({ userID: 'bob', timeout: 30 })
    await im.settle()
    bob.chat.removeSignalingListener(TSignaling.NEW_INVITATION_RECEIVED, handler)
    await alice.chat.invite({ userID: 'bob', timeout: 30 })
    await im.settle()
    expect(seen).toEqual(['ringer:newInvitationReceived', 'nobody:newInvitationReceived', 'nobody:newInvitationReceived'])
  })

  it('runs every handler even when one throws, and reports the error through the native facade', async () => {
    const { im, alice, bob } = bareBob()
    const reached: string[] = []
    bob.chat.addSignalingListener(TSignaling.NEW_INVITATION_RECEIVED, () => {
      throw new Error('app bug')
    })
    bob.chat.addSignalingListener(TSignaling.NEW_INVITATION_RECEIVED, (event) => void reached.push(event.data.inviteID))
    const { inviteID } = await alice.chat.invite({ userID: 'bob', timeout: 30 })
    await im.settle()
    expect({ reached, reported: bob.chat.native.diagnosticCounts()['listener-threw'] }).toEqual({ reached: [inviteID], reported: 1 })
  })
})
