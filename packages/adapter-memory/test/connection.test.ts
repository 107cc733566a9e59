import { describe, expect, it } from 'vitest'
import { TransportError } from '@beckon/core'
import { DEFAULT_RETENTION_MS, MemoryIm, VIRTUAL_EPOCH } from '../src/index.js'
import { onlineOnly, record, stored, toUser } from './support.js'

describe('connecting a device', () => {
  it('is connected at once when nothing is stored for it, so it can send straight away', async () => {
    const im = new MemoryIm()
    const alice = im.connect('alice')
    expect(alice.connectionState).toBe('connected')
    await expect(alice.send(toUser('bob'), 'hi', stored)).resolves.toMatchObject({ serverTime: VIRTUAL_EPOCH })
  })

  it("uses the device id 'default' unless told otherwise", () => {
    const im = new MemoryIm()
    expect(im.connect('alice').deviceID).toBe('default')
    expect(im.connect('alice', { deviceID: 'laptop' }).deviceID).toBe('laptop')
  })

  it('returns the same transport for the same device, reconnecting it', () => {
    const im = new MemoryIm()
    const first = im.connect('alice')
    first.disconnect()
    const second = im.connect('alice')
    expect(second).toBe(first)
    expect(second.connectionState).toBe('connected')
  })

  it('rejects empty user and device ids', () => {
    const im = new MemoryIm()
    expect(() => im.connect('')).toThrow(TypeError)
    expect(() => im.connect('alice', { deviceID: '' })).toThrow(TypeError)
  })

  it('shares the IM clock with its transports', () => {
    const im = new MemoryIm()
    const alice = im.connect('alice')
    expect(alice.clock).toBe(im.clock)
    expect(alice.serverNow()).toBe(im.clock.now())
  })
})

describe('disconnecting a device', () => {
  it('is disconnected at once, with the event', () => {
    const im = new MemoryIm()
    const alice = im.connect('alice')
    const alices = record(alice)
    alice.disconnect()
    expect(alice.connectionState).toBe('disconnected')
    expect(alices.states).toEqual(['disconnected'])
  })

  it('makes every operation reject with Disconnected', async () => {
    const im = new MemoryIm()
    const alice = im.connect('alice')
    await alice.createGroup('g', [])
    alice.disconnect()
    const operations = [
      alice.send(toUser('bob'), 'x', stored),
      alice.replace(toUser('bob'), 'm1', 'x'),
      alice.createGroup('h', []),
      alice.joinGroup('g'),
      alice.quitGroup('g'),
      alice.dismissGroup('g'),
      alice.getGroupMembers('g'),
    ]
    for (const operation of operations) {
      await expect(operation).rejects.toSatisfy((e) => e instanceof TransportError && e.reason === 'Disconnected')
    }
  })

  it('does nothing when already disconnected', () => {
    const im = new MemoryIm()
    const alice = im.connect('alice')
    alice.disconnect()
    const alices = record(alice)
    alice.disconnect()
    expect(alices.states).toEqual([])
  })
})

describe('catching up on reconnect', () => {
  it('delivers what was stored while away, with its original server time, before reporting connected', async () => {
    // Arrange
    const im = new MemoryIm()
    const alice = im.connect('alice')
    const bob = im.connect('bob')
    const bobs = record(bob)
    bob.disconnect()
    const receipt = await alice.send(toUser('bob'), 'while away', stored)
    await im.clock.advance(60_000)

    // Act
    bob.connect()
    const stateRightAfterConnect = bob.connectionState
    await im.settle()

    // Assert
    expect(stateRightAfterConnect).toBe('connecting')
    expect(bobs.timeline).toEqual(['state:disconnected', 'state:connecting', 'message:while away', 'state:connected'])
    expect(bobs.messages[0]).toMatchObject({ messageID: receipt.messageID, serverTime: VIRTUAL_EPOCH })
  })

  it('delivers the backlog in server order', async () => {
    const im = new MemoryIm()
    const [alice, carol, bob] = [im.connect('alice'), im.connect('carol'), im.connect('bob')]
    const bobs = record(bob)
    bob.disconnect()
    await alice.send(toUser('bob'), '1', stored)
    await carol.send(toUser('bob'), '2', stored)
    await alice.send(toUser('bob'), '3', stored)
    bob.connect()
    await im.settle()
    expect(bobs.payloads()).toEqual(['1', '2', '3'])
  })

  it('lets the app finish reacting to one stored message before the next arrives', async () => {
    const im = new MemoryIm()
    const [alice, bob] = [im.connect('alice'), im.connect('bob')]
    const log: string[] = []
    bob.onMessage((m) => {
      void Promise.resolve().then(() => log.push(`handled ${m.payload}`))
      log.push(`got ${m.payload}`)
    })
    bob.disconnect()
    await alice.send(toUser('bob'), 'a', stored)
    await alice.send(toUser('bob'), 'b', stored)
    bob.connect()
    await im.settle()
    expect(log).toEqual(['got a', 'handled a', 'got b', 'handled b'])
  })

  it('also delivers what is stored while it is still catching up, before connected', async () => {
    const im = new MemoryIm()
    const [alice, bob] = [im.connect('alice'), im.connect('bob')]
    const bobs = record(bob)
    bob.disconnect()
    await alice.send(toUser('bob'), 'before', stored)
    bob.connect()
    await alice.send(toUser('bob'), 'during', stored)
    await im.settle()
    expect(bobs.timeline.slice(-3)).toEqual(['message:before', 'message:during', 'state:connected'])
  })

  it('gives a brand-new device of a user what is stored for that user', async () => {
    const im = new MemoryIm()
    const alice = im.connect('alice')
    await alice.send(toUser('bob'), 'for any device of bob', stored)
    await im.settle()
    const bob = im.connect('bob', { deviceID: 'phone' })
    const bobs = record(bob)
    expect(bob.connectionState).toBe('connecting')
    await im.settle()
    expect(bobs.timeline).toEqual(['message:for any device of bob', 'state:connected'])
  })

  it('does not deliver messages older than the retention period', async () => {
    const im = new MemoryIm({ retentionMs: 1_000 })
    const [alice, bob] = [im.connect('alice'), im.connect('bob')]
    const bobs = record(bob)
    bob.disconnect()
    await alice.send(toUser('bob'), 'old', stored)
    await im.clock.advance(1_500)
    await alice.send(toUser('bob'), 'young', stored)
    bob.connect()
    await im.settle()
    expect(bobs.payloads()).toEqual(['young'])
  })

  it('keeps messages for 7 days by default', () => {
    expect(DEFAULT_RETENTION_MS).toBe(7 * 24 * 3600 * 1000)
  })

  it('loses nothing that was in flight when the device dropped', async () => {
    const im = new MemoryIm({ network: { latency: 100 } })
    const [alice, bob] = [im.connect('alice'), im.connect('bob')]
    const bobs = record(bob)
    await alice.send(toUser('bob'), 'in flight', stored)
    await im.clock.advance(50)
    bob.disconnect()
    await im.clock.advance(100)
    expect(bobs.payloads()).toEqual([])
    bob.connect()
    await im.settle()
    expect(bobs.payloads()).toEqual(['in flight'])
    expect(bob.connectionState).toBe('connected')
  })

  it('does not store online-only messages for a device that is away', async () => {
    const im = new MemoryIm()
    const [alice, bob] = [im.connect('alice'), im.connect('bob')]
    const bobs = record(bob)
    bob.disconnect()
    await alice.send(toUser('bob'), 'ring now or never', onlineOnly)
    bob.connect()
    await im.settle()
    expect(bobs.payloads()).toEqual([])
    expect(bobs.states).toEqual(['disconnected', 'connected'])
  })

  it('stops catching up when the device drops again, and resumes where it left off', async () => {
    const im = new MemoryIm()
    const [alice, bob] = [im.connect('alice'), im.connect('bob')]
    const bobs = record(bob)
    bob.disconnect()
    for (const payload of ['1', '2', '3']) await alice.send(toUser('bob'), payload, stored)
    bob.onMessage((m) => {
      if (m.payload === '1') bob.disconnect()
    })
    bob.connect()
    await im.settle()
    expect(bobs.payloads()).toEqual(['1'])
    expect(bob.connectionState).toBe('disconnected')
    bob.connect()
    await im.settle()
    expect(bobs.payloads()).toEqual(['1', '2', '3'])
  })
})
