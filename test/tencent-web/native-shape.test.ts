/**
 * beckon's native facade refuses Tencent Web SDK habits loudly: each call in Tencent Web's shape
 * throws a `TypeError` at once that says so and names the native call to make (with the caller's
 * own values where it can), instead of failing with a confusing code or, for listeners, never
 * being called.
 */
import { describe, expect, it } from 'vitest'
import { createSignaling, TSignaling, type Signaling } from '@beckon/core'
import { MemoryIm } from '@beckon/adapter-memory'

const device = () => {
  const im = new MemoryIm()
  return { im, alice: createSignaling({ transport: im.connect('alice') }), bob: createSignaling({ transport: im.connect('bob') }) }
}

/** The message of the `TypeError` the call throws synchronously, or what happened instead. */
const refusal = (call: (signaling: Signaling) => unknown): string => {
  const { alice } = device()
  try {
    const result = call(alice)
    if (result instanceof Promise) result.catch(() => undefined)
    return 'did not throw'
  } catch (error) {
    return error instanceof TypeError ? error.message : `threw ${String(error)}`
  }
}

/** Any method called with any arguments, as a JavaScript caller may. */
const loose = (signaling: Signaling, method: keyof Signaling, ...args: unknown[]): unknown => (signaling[method] as (...a: unknown[]) => unknown)(...args)

describe('calls in the Tencent Web shape throw a TypeError naming the native call', () => {
  it('invite({ userID, data, timeout })', () => {
    expect(refusal((s) => loose(s, 'invite', { userID: 'bob', data: 'room', timeout: 30 }))).toBe(
      `invite({ userID, … }) is the Tencent Web SDK's shape. beckon's native facade takes invite(invitee, data?, { timeout?, onlineUserOnly?, offlinePushInfo? }) and resolves with the inviteID itself: here invite("bob", "room", { timeout: 30 }). For the Tencent Web shape, use createTencentWebSignaling().`,
    )
  })

  it('invite({ userID }) without a timeout also says the defaults differ', () => {
    expect(refusal((s) => loose(s, 'invite', { userID: 'bob' }))).toContain(
      `here invite("bob", undefined, { timeout: 0 }) (Tencent Web's default timeout is 0, none; beckon's is 30 s)`,
    )
  })

  it('inviteInGroup({ groupID, inviteeList, onlineUserOnly })', () => {
    expect(refusal((s) => loose(s, 'inviteInGroup', { groupID: 'class-7', inviteeList: ['s1'], data: 'quiz', timeout: 10, onlineUserOnly: true }))).toContain(
      `here inviteInGroup("class-7", ["s1"], "quiz", { timeout: 10, onlineUserOnly: true })`,
    )
  })

  it.each(['cancel', 'accept', 'reject'] as const)('%s({ inviteID, data })', (method) => {
    expect(refusal((s) => loose(s, method, { inviteID: 'id-1', data: 'bye' }))).toBe(
      `${method}({ inviteID, … }) is the Tencent Web SDK's shape. beckon's native facade takes ${method}(inviteID, data?): here ${method}("id-1", "bye"). For the Tencent Web shape, use createTencentWebSignaling().`,
    )
  })

  it('modifyInvitation({ inviteID, data })', () => {
    expect(refusal((s) => loose(s, 'modifyInvitation', { inviteID: 'id-1', data: 'v2' }))).toContain('here modifyInvitation("id-1", "v2")')
  })

  it.each([
    [TSignaling.NEW_INVITATION_RECEIVED, 'onReceiveNewInvitation(inviteID, inviter, groupID, inviteeList, data)'],
    [TSignaling.INVITEE_ACCEPTED, 'onInviteeAccepted(inviteID, invitee, data)'],
    [TSignaling.INVITEE_REJECTED, 'onInviteeRejected(inviteID, invitee, data)'],
    [TSignaling.INVITATION_CANCELLED, 'onInvitationCancelled(inviteID, inviter, data, inviteeList)'],
    [TSignaling.INVITATION_TIMEOUT, 'onInvitationTimeout(inviteID, inviteeList)'],
    [TSignaling.INVITATION_MODIFIED, 'onInvitationModified(inviteID, data)'],
    ['NEW_INVITATION_RECEIVED', 'onReceiveNewInvitation(inviteID, inviter, groupID, inviteeList, data)'],
  ])('addSignalingListener(%j, handler) names %s', (eventName, callback) => {
    expect(refusal((s) => loose(s, 'addSignalingListener', eventName, () => undefined))).toBe(
      `addSignalingListener(${JSON.stringify(eventName)}, handler) is the Tencent Web SDK's shape. beckon's native facade takes one listener object and calls its members with positional arguments: here addSignalingListener({ ${callback} { … } }), which returns the function that removes it. For the Tencent Web shape, use createTencentWebSignaling().`,
    )
  })

  it('removeSignalingListener(eventName, handler)', () => {
    expect(refusal((s) => loose(s, 'removeSignalingListener', TSignaling.INVITEE_ACCEPTED, () => undefined))).toBe(
      `removeSignalingListener("ts_invitee_accepted", handler) is the Tencent Web SDK's shape. beckon's native facade removes a listener object: call the function addSignalingListener(listener) returned, or removeSignalingListener(listener). For the Tencent Web shape, use createTencentWebSignaling().`,
    )
  })
})

describe('other listener mistakes are refused too, instead of never being called', () => {
  it('an event name that is not Tencent Web\'s', () => {
    expect(refusal((s) => loose(s, 'addSignalingListener', 'ringing', () => undefined))).toBe(
      `addSignalingListener takes one listener object { onReceiveNewInvitation?, onInviteeAccepted?, onInviteeRejected?, onInvitationCancelled?, onInvitationTimeout?, onInvitationModified? }, got "ringing"`,
    )
  })

  it('a bare function', () => {
    expect(refusal((s) => loose(s, 'addSignalingListener', () => undefined))).toMatch(/^addSignalingListener takes one listener object .*, got a function$/)
  })

  it("a listener object keyed by Tencent Web's event names", () => {
    expect(refusal((s) => loose(s, 'addSignalingListener', { newInvitationReceived: () => undefined }))).toBe(
      `addSignalingListener: "newInvitationReceived" is a Tencent Web event name, which beckon's listener never calls; name the member onReceiveNewInvitation(inviteID, inviter, groupID, inviteeList, data) instead.`,
    )
  })
})

describe('the native shape still works', () => {
  it('removeSignalingListener(listener) removes a listener object added before', async () => {
    const { im, alice, bob } = device()
    const rings: string[] = []
    const listener = { onReceiveNewInvitation: (inviteID: string) => void rings.push(inviteID) }
    bob.addSignalingListener(listener)
    const first = await alice.invite('bob', 'room')
    await im.settle()
    bob.removeSignalingListener(listener)
    await alice.invite('bob', 'room')
    await im.settle()
    expect(rings).toEqual([first])
  })

  it('the unsubscribe function and removeSignalingListener may both be called', async () => {
    const { im, alice, bob } = device()
    const rings: string[] = []
    const listener = { onReceiveNewInvitation: (inviteID: string) => void rings.push(inviteID) }
    const unsubscribe = bob.addSignalingListener(listener)
    unsubscribe()
    bob.removeSignalingListener(listener)
    await alice.invite('bob', 'room')
    await im.settle()
    expect(rings).toEqual([])
  })
})
