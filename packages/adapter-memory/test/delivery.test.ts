import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { TransportError } from '@beckon/core'
import { MemoryIm, VIRTUAL_EPOCH } from '../src/index.js'
import { onlineOnly, record, stored, toGroup, toUser } from './support.js'

const isFailure = (reason: string) => (e: unknown) => e instanceof TransportError && e.reason === reason

describe('a 1:1 message', () => {
  it('arrives with the authenticated sender, its device, the conversation and the server time', async () => {
    const im = new MemoryIm()
    const alice = im.connect('alice', { deviceID: 'laptop' })
    const bobs = record(im.connect('bob'))
    await im.clock.advance(500)
    const receipt = await alice.send(toUser('bob'), '{"inviter":"mallory"}', stored)
    await im.settle()
    expect(receipt.serverTime).toBe(VIRTUAL_EPOCH + 500)
    expect(bobs.messages).toEqual([
      {
        messageID: receipt.messageID,
        sender: 'alice',
        senderDevice: 'laptop',
        conversation: { kind: 'user', userID: 'alice' },
        payload: '{"inviter":"mallory"}',
        serverTime: VIRTUAL_EPOCH + 500,
        fromMyOtherDevice: false,
        modified: false,
        onlineUserOnly: false,
      },
    ])
  })

  it('reaches every device of the addressee', async () => {
    const im = new MemoryIm()
    const alice = im.connect('alice')
    const phone = record(im.connect('bob', { deviceID: 'phone' }))
    const laptop = record(im.connect('bob', { deviceID: 'laptop' }))
    await alice.send(toUser('bob'), 'ring', stored)
    await im.settle()
    expect(phone.payloads()).toEqual(['ring'])
    expect(laptop.payloads()).toEqual(['ring'])
  })

  it("reaches the sender's other devices as a carbon, but not the sending device", async () => {
    const im = new MemoryIm()
    im.connect('bob')
    const phone = im.connect('alice', { deviceID: 'phone' })
    const phones = record(phone)
    const laptops = record(im.connect('alice', { deviceID: 'laptop' }))
    await phone.send(toUser('bob'), 'accepted', stored)
    await im.settle()
    expect(phones.messages).toEqual([])
    expect(laptops.messages).toEqual([
      expect.objectContaining({ sender: 'alice', senderDevice: 'phone', conversation: { kind: 'user', userID: 'bob' }, fromMyOtherDevice: true }),
    ])
  })

  it("reaches the sender's other devices once when sent to oneself", async () => {
    const im = new MemoryIm()
    const phone = im.connect('alice', { deviceID: 'phone' })
    const laptops = record(im.connect('alice', { deviceID: 'laptop' }))
    await phone.send(toUser('alice'), 'note to self', stored)
    await im.settle()
    expect(laptops.messages).toEqual([expect.objectContaining({ fromMyOtherDevice: true, conversation: { kind: 'user', userID: 'alice' } })])
  })

  it('gets a unique message id', async () => {
    const im = new MemoryIm()
    const alice = im.connect('alice')
    const receipts = await Promise.all([1, 2, 3].map((n) => alice.send(toUser('bob'), `${n}`, n === 2 ? onlineOnly : stored)))
    expect(new Set(receipts.map((r) => r.messageID)).size).toBe(3)
  })

  it('is taken by the server at the call, before the promise settles', async () => {
    const im = new MemoryIm()
    const alice = im.connect('alice')
    const bobs = record(im.connect('bob'))
    const sending = alice.send(toUser('bob'), 'now', stored)
    alice.disconnect()
    await expect(sending).resolves.toBeDefined()
    await im.settle()
    expect(bobs.payloads()).toEqual(['now'])
  })

  it('rejects malformed arguments with a TypeError', async () => {
    const im = new MemoryIm()
    const alice = im.connect('alice')
    await expect(alice.send(toUser(''), 'x', stored)).rejects.toThrow(TypeError)
    await expect(alice.send({ kind: 'channel' } as never, 'x', stored)).rejects.toThrow(TypeError)
    await expect(alice.send(toUser('bob'), 42 as never, stored)).rejects.toThrow(TypeError)
    await expect(alice.send(toUser('bob'), 'x', {} as never)).rejects.toThrow(TypeError)
  })
})

describe('an online-only message', () => {
  it('reaches only the devices online when it is sent, including the sender\'s other devices', async () => {
    const im = new MemoryIm()
    const alice = im.connect('alice')
    const aliceTablets = record(im.connect('alice', { deviceID: 'tablet' }))
    const online = record(im.connect('bob', { deviceID: 'online' }))
    const away = im.connect('bob', { deviceID: 'away' })
    const aways = record(away)
    away.disconnect()
    await alice.send(toUser('bob'), 'live', onlineOnly)
    away.connect()
    await im.settle()
    expect(online.payloads()).toEqual(['live'])
    expect(aliceTablets.payloads()).toEqual(['live'])
    expect(aways.payloads()).toEqual([])
  })

  it('is never stored, so a new device does not get it', async () => {
    const im = new MemoryIm()
    await im.connect('alice').send(toUser('bob'), 'live', onlineOnly)
    const bobs = record(im.connect('bob'))
    await im.settle()
    expect(bobs.payloads()).toEqual([])
  })
})

describe('replacing a message', () => {
  it('delivers the new payload with the original id, modified, at its own server time', async () => {
    const im = new MemoryIm()
    const alice = im.connect('alice')
    const bobs = record(im.connect('bob'))
    const original = await alice.send(toUser('bob'), 'v1', stored)
    await im.clock.advance(1_000)
    const replacement = await alice.replace(toUser('bob'), original.messageID, 'v2')
    await im.settle()
    expect(replacement).toEqual({ messageID: original.messageID, serverTime: VIRTUAL_EPOCH + 1_000 })
    expect(bobs.messages.map((m) => [m.payload, m.messageID, m.modified, m.serverTime])).toEqual([
      ['v1', original.messageID, false, VIRTUAL_EPOCH],
      ['v2', original.messageID, true, VIRTUAL_EPOCH + 1_000],
    ])
  })

  it('gives a device catching up the original first, then the replacement', async () => {
    const im = new MemoryIm()
    const alice = im.connect('alice')
    const bob = im.connect('bob')
    const bobs = record(bob)
    bob.disconnect()
    const { messageID } = await alice.send(toUser('bob'), 'v1', stored)
    await alice.replace(toUser('bob'), messageID, 'v2')
    bob.connect()
    await im.settle()
    expect(bobs.timeline).toEqual(['state:disconnected', 'state:connecting', 'message:v1', 'message:v2', 'state:connected'])
  })

  it("reaches the sender's other devices, and may come from any of them", async () => {
    const im = new MemoryIm()
    im.connect('bob')
    const phone = im.connect('alice', { deviceID: 'phone' })
    const laptop = im.connect('alice', { deviceID: 'laptop' })
    const phones = record(phone)
    const { messageID } = await phone.send(toUser('bob'), 'v1', stored)
    await laptop.replace(toUser('bob'), messageID, 'v2')
    await im.settle()
    expect(phones.messages.map((m) => [m.payload, m.modified, m.fromMyOtherDevice])).toEqual([['v2', true, true]])
  })

  it('works in a group, for its current members', async () => {
    const im = new MemoryIm()
    const alice = im.connect('alice')
    const bobs = record(im.connect('bob'))
    await alice.createGroup('room', ['bob'])
    const { messageID } = await alice.send(toGroup('room'), 'v1', stored)
    await alice.replace(toGroup('room'), messageID, 'v2')
    await im.settle()
    expect(bobs.messages.map((m) => [m.payload, m.modified, m.conversation])).toEqual([
      ['v1', false, { kind: 'group', groupID: 'room' }],
      ['v2', true, { kind: 'group', groupID: 'room' }],
    ])
  })

  it('fails with NoSuchMessage for an unknown id, another user\'s message, another conversation or an online-only message', async () => {
    const im = new MemoryIm()
    const [alice, carol] = [im.connect('alice'), im.connect('carol')]
    const { messageID } = await alice.send(toUser('bob'), 'v1', stored)
    const live = await alice.send(toUser('bob'), 'live', onlineOnly)
    await expect(alice.replace(toUser('bob'), 'nope', 'x')).rejects.toSatisfy(isFailure('NoSuchMessage'))
    await expect(carol.replace(toUser('bob'), messageID, 'x')).rejects.toSatisfy(isFailure('NoSuchMessage'))
    await expect(alice.replace(toUser('dave'), messageID, 'x')).rejects.toSatisfy(isFailure('NoSuchMessage'))
    await expect(alice.replace(toUser('bob'), live.messageID, 'x')).rejects.toSatisfy(isFailure('NoSuchMessage'))
  })

  it('fails with NoSuchMessage once the original is past retention', async () => {
    const im = new MemoryIm({ retentionMs: 1_000 })
    const alice = im.connect('alice')
    const { messageID } = await alice.send(toUser('bob'), 'v1', stored)
    await im.clock.advance(2_000)
    await expect(alice.replace(toUser('bob'), messageID, 'v2')).rejects.toSatisfy(isFailure('NoSuchMessage'))
  })
})

describe('which messages may be replaced', () => {
  it('fails with NoSuchMessage for an id that only looks like one the server gave', async () => {
    const im = new MemoryIm()
    const alice = im.connect('alice')
    const { messageID } = await alice.send(toUser('bob'), 'v1', stored)
    const number = messageID.slice(1)
    for (const lookalike of [`m0${number}`, `${messageID}.0`, ` ${messageID}`, `m${Number(number) + 1}`, 'm0', 'm', `M${number}`]) {
      await expect(alice.replace(toUser('bob'), lookalike, 'x')).rejects.toSatisfy(isFailure('NoSuchMessage'))
    }
    await expect(alice.replace(toUser('bob'), messageID, 'v2')).resolves.toMatchObject({ messageID })
  })

  // Law: after any run of stored and online-only sends with time passing between them, a
  // replacement of a sent message succeeds exactly when it was stored and is still within
  // retention; thousands of messages pass retention on the way, so the index of originals is
  // rebuilt several times.
  it('takes exactly the stored originals still within retention, however many expired before them', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ count: fc.integer({ min: 1, max: 600 }), online: fc.boolean(), gapMs: fc.integer({ min: 0, max: 700 }) }), { minLength: 1, maxLength: 12 }),
        async (bursts) => {
          const im = new MemoryIm({ retentionMs: 1_000 })
          const alice = im.connect('alice')
          const sent: { readonly messageID: string; readonly serverTime: number; readonly online: boolean }[] = []
          for (const { count, online, gapMs } of bursts) {
            for (let k = 0; k < count; k++) sent.push({ ...(await alice.send(toUser('bob'), 'v1', online ? onlineOnly : stored)), online })
            await im.clock.advance(gapMs)
          }
          const horizon = im.clock.now() - 1_000
          for (const { messageID, serverTime, online } of sent) {
            const replaced = await alice.replace(toUser('bob'), messageID, 'v2').then(() => true, () => false)
            expect(replaced).toBe(!online && serverTime >= horizon)
          }
        },
      ),
      { numRuns: 25 },
    )
  })
})

describe('offline pushes', () => {
  const push = { title: 'Call', description: 'alice is calling', extension: '{"inviteID":"1"}' }

  it('are recorded for a stored message to a user with no device online', async () => {
    const im = new MemoryIm()
    const alice = im.connect('alice')
    await alice.send(toUser('bob'), 'invite', { onlineUserOnly: false, offlinePushInfo: push })
    expect(im.pushes).toEqual([{ userID: 'bob', offlinePushInfo: push, payload: 'invite', serverTime: VIRTUAL_EPOCH, messageID: 'm1' }])
  })

  it('are not recorded when a device of the user is online, for online-only messages, or when disabled', async () => {
    const im = new MemoryIm()
    const alice = im.connect('alice')
    im.connect('bob')
    await alice.send(toUser('bob'), 'online', { onlineUserOnly: false, offlinePushInfo: push })
    await alice.send(toUser('carol'), 'live', { onlineUserOnly: true, offlinePushInfo: push })
    await alice.send(toUser('carol'), 'quiet', { onlineUserOnly: false, offlinePushInfo: { ...push, disablePush: true } })
    expect(im.pushes).toEqual([])
  })

  it('are recorded per offline member for a group message', async () => {
    const im = new MemoryIm()
    const alice = im.connect('alice')
    im.connect('bob')
    await alice.createGroup('room', ['bob', 'carol', 'dave'])
    await alice.send(toGroup('room'), 'raise hand', { onlineUserOnly: false, offlinePushInfo: push })
    expect(im.pushes.map((p) => p.userID)).toEqual(['carol', 'dave'])
  })
})
