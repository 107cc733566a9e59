/**
 * Failures on the Tencent-Web-shaped facade carry Tencent Web's codes (with beckon's kept as
 * `beckonCode`), bad fields reject with 6017 naming the field, and a call in another shape throws
 * a `TypeError` at once that names the call to make.
 */
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { MemoryIm } from '@beckon/adapter-memory'
import { outcomeOf, TSignaling, webParty } from './support.js'

const setup = async () => {
  const im = new MemoryIm()
  const alice = webParty(im, 'alice')
  const bob = webParty(im, 'bob')
  const carol = webParty(im, 'carol')
  const { inviteID } = await alice.chat.invite({ userID: 'bob', data: 'room', timeout: 30 })
  await im.settle()
  return { im, alice, bob, carol, inviteID }
}

/** Calls `call` and returns the synchronous throw's class and message, or `'did not throw'`. */
const thrown = (call: () => unknown): string => {
  try {
    const result = call()
    if (result instanceof Promise) result.catch(() => undefined)
    return 'did not throw'
  } catch (error) {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  }
}

describe("Tencent Web's error codes", () => {
  it('cancel of an unknown invitation: 8020 (INVALID_CANCEL_MESSAGE)', async () => {
    const { alice } = await setup()
    expect(await outcomeOf(() => alice.chat.cancel({ inviteID: 'no-such-call' }))).toMatchObject({ error: 'TencentWebError', code: 8020, beckonCode: 8010 })
  })

  it('cancel of an invitation already over: 8020', async () => {
    const { im, alice, bob, inviteID } = await setup()
    await bob.chat.accept({ inviteID })
    await im.settle()
    expect(await outcomeOf(() => alice.chat.cancel({ inviteID }))).toMatchObject({ code: 8020, beckonCode: 8010 })
  })

  it('cancel by someone other than the inviter: 8011 (SIGNALING_NO_PERMISSION)', async () => {
    const { bob, inviteID } = await setup()
    expect(await outcomeOf(() => bob.chat.cancel({ inviteID }))).toMatchObject({ code: 8011, beckonCode: 8011 })
  })

  it('accept of an invitation already answered: 8010 (SIGNALING_INVALID_INVITE_ID)', async () => {
    const { bob, inviteID } = await setup()
    await bob.chat.accept({ inviteID })
    expect(await outcomeOf(() => bob.chat.reject({ inviteID }))).toMatchObject({ code: 8010, beckonCode: 8010 })
  })

  it('accept by a user the invitation does not list: 8011', async () => {
    const im = new MemoryIm()
    const teacher = webParty(im, 'teacher')
    const s2 = webParty(im, 's2')
    await teacher.transport.createGroup('class-7', ['teacher', 's1', 's2'])
    const { inviteID } = await teacher.chat.inviteInGroup({ groupID: 'class-7', inviteeList: ['s1'], timeout: 30 })
    await im.settle()
    expect(await outcomeOf(() => s2.chat.accept({ inviteID }))).toMatchObject({ code: 8011, beckonCode: 8010 })
  })

  it('accept of an unknown invitation: 8010', async () => {
    const { bob } = await setup()
    expect(await outcomeOf(() => bob.chat.accept({ inviteID: 'no-such-call' }))).toMatchObject({ code: 8010, beckonCode: 8010 })
  })

  it('modifyInvitation of an unknown invitation: 8010', async () => {
    const { alice } = await setup()
    expect(await outcomeOf(() => alice.chat.modifyInvitation({ inviteID: 'no-such-call', data: 'x' }))).toMatchObject({ code: 8010, beckonCode: 8010 })
  })

  it('a call while disconnected: 2999 (SDK_IS_NOT_READY)', async () => {
    const { bob, inviteID } = await setup()
    bob.transport.disconnect()
    expect(await outcomeOf(() => bob.chat.accept({ inviteID }))).toMatchObject({ code: 2999, beckonCode: 6014 })
  })

  it("beckon's own codes stay: 8013 for an invitee outside the group", async () => {
    const im = new MemoryIm()
    const teacher = webParty(im, 'teacher')
    await teacher.transport.createGroup('class-7', ['teacher', 's1'])
    expect(await outcomeOf(() => teacher.chat.inviteInGroup({ groupID: 'class-7', inviteeList: ['stranger'], timeout: 30 }))).toMatchObject({ code: 8013, beckonCode: 8013 })
  })
})

describe('bad fields reject with 6017 naming the field', () => {
  it.each([
    ['invite without userID', (p: Awaited<ReturnType<typeof setup>>) => p.alice.chat.invite({} as never), 'options.userID must be a non-empty string, got undefined'],
    ['invite with an empty userID', (p: Awaited<ReturnType<typeof setup>>) => p.alice.chat.invite({ userID: '' }), 'options.userID must be a non-empty string, got ""'],
    ['inviteInGroup without inviteeList', (p: Awaited<ReturnType<typeof setup>>) => p.alice.chat.inviteInGroup({ groupID: 'g' } as never), 'options.inviteeList must be a list of user IDs, got undefined'],
    ['accept with a numeric inviteID', (p: Awaited<ReturnType<typeof setup>>) => p.bob.chat.accept({ inviteID: 42 as never }), 'options.inviteID must be a non-empty string, got 42'],
  ])('%s', async (_name, call, message) => {
    const parties = await setup()
    const outcome = (await outcomeOf(() => call(parties))) as { code: number; message: string }
    expect({ code: outcome.code, names: outcome.message.includes(message) }).toEqual({ code: 6017, names: true })
  })

  it('invite to oneself is still refused by the engine, with 6017', async () => {
    const { alice } = await setup()
    expect(await outcomeOf(() => alice.chat.invite({ userID: 'alice' }))).toMatchObject({ code: 6017, beckonCode: 6017 })
  })
})

describe('a call in another shape throws at once', () => {
  it("invite('bob') is beckon's native shape", async () => {
    const { alice } = await setup()
    expect(thrown(() => (alice.chat.invite as (...args: unknown[]) => unknown)('bob', 'room'))).toMatch(
      /^TypeError: This is the Tencent Web shape: invite\(\{ userID.*\}\) takes one options object, got "bob"\. invite\("bob", …\) is beckon's native shape \(invite\(invitee, data\?, options\?\)\)/,
    )
  })

  it('cancel() without options names the shape to use', async () => {
    const { alice } = await setup()
    expect(thrown(() => (alice.chat.cancel as () => unknown)())).toBe('TypeError: This is the Tencent Web shape: cancel({ inviteID, data? }) takes one options object, got undefined.')
  })

  it("addSignalingListener('NEW_INVITATION_RECEIVED', fn) names the constant's value", async () => {
    const { alice } = await setup()
    expect(thrown(() => alice.chat.addSignalingListener('NEW_INVITATION_RECEIVED' as never, () => undefined))).toMatch(
      /eventName must be one of TSignaling's event names \(newInvitationReceived, .*\), got "NEW_INVITATION_RECEIVED" — "NEW_INVITATION_RECEIVED" is the constant's name; its value is TSignaling.NEW_INVITATION_RECEIVED$/,
    )
  })

  it('addSignalingListener(listener object) is the native shape', async () => {
    const { alice } = await setup()
    expect(thrown(() => alice.chat.addSignalingListener({ onReceiveNewInvitation: () => undefined } as never, undefined as never))).toMatch(/^TypeError: addSignalingListener\(listener\) is beckon's native shape/)
  })

  it('addSignalingListener without a handler', async () => {
    const { alice } = await setup()
    expect(thrown(() => alice.chat.addSignalingListener(TSignaling.INVITEE_ACCEPTED, undefined as never))).toBe(
      'TypeError: addSignalingListener("ts_invitee_accepted", handler): handler must be a function, got undefined',
    )
  })
})

describe('getSignalingInfo', () => {
  const vectors = JSON.parse(readFileSync(new URL('../vectors/tencent-web-envelopes.json', import.meta.url), 'utf8')) as { vectors: { name: string; payload: string }[] }
  const groupInvite = vectors.vectors.find((v) => v.name === 'chat/group-invite')!.payload

  it("reads Tencent Web's message shape (payload.data), beckon's (payload) and the bare payload alike", async () => {
    const { alice } = await setup()
    const read = [alice.chat.getSignalingInfo({ payload: { data: groupInvite } }), alice.chat.getSignalingInfo({ payload: groupInvite }), alice.chat.getSignalingInfo(groupInvite)]
    expect(read.map((info) => info && { inviteID: info.inviteID, groupID: info.groupID, inviteeList: info.inviteeList, actionType: info.actionType })).toEqual(
      Array(3).fill({ inviteID: '3f26b2cc-1302-40f4-b239-151853411f45', groupID: 'class-7', inviteeList: ['s1', 's2', 'zed'], actionType: TSignaling.ACTION_TYPE_INVITE }),
    )
  })

  it('returns null for any other message', async () => {
    const { alice } = await setup()
    expect([alice.chat.getSignalingInfo({ payload: { data: 'hello' } }), alice.chat.getSignalingInfo('{"text":"hi"}')]).toEqual([null, null])
  })
})
