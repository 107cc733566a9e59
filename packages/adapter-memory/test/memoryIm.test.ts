import { describe, expect, it } from 'vitest'
import { MemoryIm, VIRTUAL_EPOCH } from '../src/index.js'
import { record, stored, toUser } from './support.js'

describe('creating a MemoryIm', () => {
  it('rejects a non-integer seed and a non-positive retention', () => {
    expect(() => new MemoryIm({ seed: 1.5 })).toThrow(TypeError)
    expect(() => new MemoryIm({ retentionMs: 0 })).toThrow(RangeError)
  })

  it('rejects nonsensical network defaults', () => {
    expect(() => new MemoryIm({ network: { loss: 2 } })).toThrow(RangeError)
  })
})

describe('settle', () => {
  it('runs what is due now, and app timers due now, but lets no time pass', async () => {
    const im = new MemoryIm({ network: { latency: 10 } })
    const alice = im.connect('alice')
    const bobs = record(im.connect('bob'))
    let timerFired = false
    alice.clock.setTimeout(() => (timerFired = true), 0)
    await alice.send(toUser('bob'), 'x', stored)
    await im.settle()
    expect(timerFired).toBe(true)
    expect(bobs.payloads()).toEqual([])
    expect(im.clock.now()).toBe(VIRTUAL_EPOCH)
  })

  it('keeps going until quiet: replies to replies are delivered too', async () => {
    const im = new MemoryIm()
    const alice = im.connect('alice')
    const bob = im.connect('bob')
    const alices = record(alice)
    bob.onMessage((m) => {
      void bob.send(toUser('alice'), `re: ${m.payload}`, stored)
    })
    alice.onMessage((m) => {
      if (m.payload.length < 12) void alice.send(toUser('bob'), m.payload, stored)
    })
    await alice.send(toUser('bob'), 'hi', stored)
    await im.settle()
    expect(alices.payloads()).toEqual(['re: hi', 're: re: hi', 're: re: re: hi'])
  })

  it('rejects with the error a listener throws', async () => {
    const im = new MemoryIm()
    const alice = im.connect('alice')
    im.connect('bob').onMessage(() => {
      throw new Error('listener broke')
    })
    await alice.send(toUser('bob'), 'x', stored)
    await expect(im.settle()).rejects.toThrow('listener broke')
  })
})

describe('inject (test hook)', () => {
  it('hands a raw message straight to a device, filling in what is missing', () => {
    const im = new MemoryIm()
    const bobs = record(im.connect('bob'))
    const delivered = im.inject({ userID: 'bob' }, { payload: '{not json' })
    expect(delivered).toEqual({
      messageID: 'injected-1',
      sender: 'injected',
      senderDevice: 'default',
      conversation: { kind: 'user', userID: 'injected' },
      payload: '{not json',
      serverTime: VIRTUAL_EPOCH,
      fromMyOtherDevice: false,
      modified: false,
      onlineUserOnly: false,
    })
    expect(bobs.messages).toEqual([delivered])
  })

  it('keeps the fields it is given, forged ones included', () => {
    const im = new MemoryIm()
    im.connect('bob', { deviceID: 'phone' })
    const delivered = im.inject({ userID: 'bob', deviceID: 'phone' }, { payload: 'x', sender: 'alice', serverTime: 0, modified: true })
    expect(delivered).toMatchObject({ sender: 'alice', conversation: { kind: 'user', userID: 'alice' }, serverTime: 0, modified: true })
  })

  it('refuses a device that is not online', () => {
    const im = new MemoryIm()
    im.connect('bob').disconnect()
    expect(() => im.inject({ userID: 'bob' }, { payload: 'x' })).toThrow(/not online/)
    expect(() => im.inject({ userID: 'nobody' }, { payload: 'x' })).toThrow(/not online/)
  })
})
