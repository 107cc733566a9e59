import { describe, expect, it } from 'vitest'
import { MemoryIm, VIRTUAL_EPOCH } from '../src/index.js'
import { record, stored, toGroup, toUser } from './support.js'

const world = () => {
  const im = new MemoryIm()
  const alice = im.connect('alice')
  const bob = im.connect('bob')
  return { im, alice, bob, bobs: record(bob) }
}

describe('manual delivery mode', () => {
  it('holds every delivery in flight, listed for the test', async () => {
    const { im, alice, bobs } = world()
    im.hold()
    const { messageID } = await alice.send(toUser('bob'), 'held', stored)
    await im.settle()
    expect(bobs.payloads()).toEqual([])
    expect(im.held).toBe(true)
    expect(im.inFlight()).toEqual([
      {
        id: expect.any(String),
        from: 'alice',
        to: { userID: 'bob', deviceID: 'default' },
        messageID,
        payload: 'held',
        serverTime: VIRTUAL_EPOCH,
        conversation: { kind: 'user', userID: 'alice' },
        modified: false,
        dueAt: VIRTUAL_EPOCH,
      },
    ])
  })

  it('delivers in whatever order the test chooses', async () => {
    const { im, alice, bobs } = world()
    im.hold()
    for (const payload of ['1', '2', '3']) await alice.send(toUser('bob'), payload, stored)
    const [one, two, three] = im.inFlight().map(({ id }) => id)
    im.deliver(three!)
    im.deliver(one!)
    im.deliver(two!)
    expect(bobs.payloads()).toEqual(['3', '1', '2'])
    expect(im.inFlight()).toEqual([])
  })

  it('drops and duplicates on request', async () => {
    const { im, alice, bobs } = world()
    im.hold()
    await alice.send(toUser('bob'), 'twice', stored)
    await alice.send(toUser('bob'), 'never', stored)
    const [twice, never] = im.inFlight().map(({ id }) => id)
    const copy = im.duplicate(twice!)
    im.drop(never!)
    expect(im.inFlight().map(({ id }) => id)).toEqual([twice, copy])
    im.deliver(copy)
    im.deliver(twice!)
    expect(bobs.payloads()).toEqual(['twice', 'twice'])
  })

  it('rejects unknown delivery ids', () => {
    const { im } = world()
    expect(() => im.deliver('d999')).toThrow(RangeError)
    expect(() => im.drop('d999')).toThrow(RangeError)
    expect(() => im.duplicate('d999')).toThrow(RangeError)
  })

  it('delivers what is left, in due order, once released', async () => {
    const { im, alice, bobs } = world()
    im.hold()
    for (const payload of ['1', '2']) await alice.send(toUser('bob'), payload, stored)
    im.release()
    await im.settle()
    expect(bobs.payloads()).toEqual(['1', '2'])
    expect(im.held).toBe(false)
  })

  it('keeps latency: a delivery held past its due time arrives at release, one not yet due when it is due', async () => {
    const im = new MemoryIm({ network: { latency: 100 } })
    const alice = im.connect('alice')
    const bobs = record(im.connect('bob'))
    im.hold()
    await alice.send(toUser('bob'), 'early', stored)
    await im.clock.advance(150)
    await alice.send(toUser('bob'), 'late', stored)
    im.release()
    await im.settle()
    expect(bobs.payloads()).toEqual(['early'])
    await im.clock.advance(100)
    expect(bobs.payloads()).toEqual(['early', 'late'])
  })

  it('takes back what was in flight to a device that disconnects; it catches up on reconnect', async () => {
    const { im, alice, bob, bobs } = world()
    im.hold()
    await alice.send(toUser('bob'), 'stored', stored)
    await alice.send(toUser('bob'), 'live', { onlineUserOnly: true })
    bob.disconnect()
    expect(im.inFlight()).toEqual([])
    bob.connect()
    await im.settle()
    expect(bobs.payloads()).toEqual(['stored'])
  })

  it('lets a test pick single deliveries out of an automatic group fan-out; the rest land together, in member order', async () => {
    const im = new MemoryIm()
    const host = im.connect('host')
    const members = ['m1', 'm2', 'm3', 'm4', 'm5']
    const heard = members.map((userID) => record(im.connect(userID)))
    await host.createGroup('hall', members)
    await im.settle()
    await host.send(toGroup('hall'), 'first', stored)
    await host.send(toGroup('hall'), 'second', stored)
    const flights = im.inFlight()
    expect(flights.map(({ to, payload }) => `${to.userID}:${payload}`)).toEqual([...members.map((m) => `${m}:first`), ...members.map((m) => `${m}:second`)])
    const id = (userID: string, payload: string): string => flights.find((f) => f.to.userID === userID && f.payload === payload)!.id
    im.deliver(id('m3', 'second'))
    im.drop(id('m2', 'first'))
    const copy = im.duplicate(id('m4', 'first'))
    im.connect('m5').disconnect()
    expect(im.inFlight().map(({ id }) => id)).toEqual([id('m1', 'first'), id('m3', 'first'), id('m4', 'first'), id('m1', 'second'), id('m2', 'second'), id('m4', 'second'), copy])
    await im.settle()
    expect(heard.map((r) => r.payloads())).toEqual([['first', 'second'], ['second'], ['second', 'first'], ['first', 'second', 'first'], []])
    im.connect('m5')
    await im.settle()
    expect(heard[4]!.payloads()).toEqual(['first', 'second'])
  })
})
