import { describe, expect, it } from 'vitest'
import { decodePlace, encodePlace, placeKey, type DevicePlace } from '../src/place.js'
import { PlaceKeeper } from '../src/placeKeeper.js'
import type { Room } from '../src/rooms.js'
import { memoryStore, type KeyValueStore } from '../src/store.js'
import { XmppTransport } from '../src/index.js'

const KEY = placeKey('bob@localhost', 'phone')
const DELAY = 10_000

/** A keeper on a store, with the server's clock and the ticking in the test's hands. */
const setup = (store: KeyValueStore = memoryStore()) => {
  const clock = { server: 1_000_000 }
  const errors: unknown[] = []
  let ticking = false
  const keeper = new PlaceKeeper({
    store,
    key: KEY,
    serverNow: () => clock.server,
    saveDelayMs: DELAY,
    onError: (error) => errors.push(error),
    every: () => {
      ticking = true
      return () => (ticking = false)
    },
  })
  const saved = async (): Promise<DevicePlace | undefined> => {
    await keeper.flush()
    const text = await store.get(KEY)
    return text === undefined ? undefined : decodePlace(text)
  }
  return { keeper, clock, store, saved, errors, isTicking: () => ticking }
}

const room = (jid: string, joined = true): Room => ({
  jid,
  groupID: jid.slice(0, jid.indexOf('@')),
  nick: 'bob/phone',
  joined,
  members: new Map(),
  baseline: true,
  occupants: new Map(),
})

describe('PlaceKeeper', () => {
  it('saves the first catch-up’s start as the position, so a crash at once still reads from there', async () => {
    const { keeper, saved } = setup()
    await keeper.restore()
    expect(keeper.userFrom(400_000, 5_000)).toBe(400_000)
    expect((await saved())?.userReadTo).toBe(400_000)
  })

  // Law: a saved position is never ahead of what reached the app `saveDelayMs` earlier with the
  // device caught up throughout — time for the app to save its snapshot.
  it('saves a checkpoint only once it has waited saveDelayMs with the device caught up', async () => {
    const { keeper, clock, saved } = setup()
    await keeper.restore()
    keeper.userFrom(400_000, 5_000)
    keeper.caughtUp(0) // checkpoint at server 1,000,000
    clock.server += 5_000
    keeper.tick(5_000) // checkpoint at 1,005,000; the first has waited 5 s only
    expect((await saved())?.userReadTo).toBe(400_000)
    clock.server += 5_000
    keeper.tick(10_000)
    expect((await saved())?.userReadTo).toBe(1_000_000)
    clock.server += 7_000
    keeper.tick(17_000)
    expect((await saved())?.userReadTo).toBe(1_005_000)
  })

  it('drops what it had not saved when the device stops being caught up', async () => {
    const { keeper, clock, saved, isTicking } = setup()
    await keeper.restore()
    keeper.userFrom(400_000, 5_000)
    keeper.caughtUp(0)
    expect(isTicking()).toBe(true)
    keeper.lost()
    expect(isTicking()).toBe(false)
    clock.server += 20_000
    keeper.tick(20_000)
    keeper.caughtUp(20_000) // a new session, caught up again: its own checkpoints start now
    keeper.tick(25_000)
    expect((await saved())?.userReadTo).toBe(400_000)
    keeper.tick(30_000)
    expect((await saved())?.userReadTo).toBe(1_020_000)
  })

  it('reads from the saved position less a margin, or the fallback if that reaches further back', async () => {
    const store = memoryStore()
    await store.set(KEY, encodePlace({ userReadTo: 900_000, rooms: { 'team@conference.localhost': { groupID: 'team', readTo: 800_000 } } }))
    const { keeper } = setup(store)
    const place = await keeper.restore()
    expect(Object.keys(place?.rooms ?? {})).toEqual(['team@conference.localhost'])
    expect(keeper.userFrom(990_000, 5_000)).toBe(895_000)
    expect(keeper.userFrom(700_000, 5_000)).toBe(700_000)
    expect(keeper.roomFrom('team@conference.localhost', 990_000, 5_000)).toBe(795_000)
    expect(keeper.roomFrom('other@conference.localhost', 990_000, 5_000)).toBe(990_000)
  })

  it('keeps its rooms: added from the moment they were, dropped when left', async () => {
    const { keeper, clock, saved } = setup()
    await keeper.restore()
    const team = room('team@conference.localhost')
    keeper.added(team)
    keeper.added(room('class@conference.localhost'))
    clock.server += 1_000
    keeper.removed(team)
    expect((await saved())?.rooms).toEqual({ 'class@conference.localhost': { groupID: 'class', readTo: 1_000_000 } })
  })

  it('holds a room being read at the read’s start until the read is delivered', async () => {
    const { keeper, clock, saved } = setup()
    await keeper.restore()
    keeper.userFrom(400_000, 5_000)
    const invited = room('invited@conference.localhost')
    const delivered = keeper.reading(invited.jid, 500_000)
    keeper.added(invited)
    keeper.caughtUp(0)
    clock.server += 10_000
    keeper.tick(10_000)
    expect((await saved())?.rooms[invited.jid]?.readTo).toBe(500_000)
    delivered()
    clock.server += 10_000
    keeper.tick(20_000) // saves the checkpoint of 10,000 (taken while still being read)
    expect((await saved())?.rooms[invited.jid]?.readTo).toBe(500_000)
    keeper.tick(30_000)
    expect((await saved())?.rooms[invited.jid]?.readTo).toBe(1_020_000)
    expect((await saved())?.userReadTo).toBe(1_020_000)
  })

  it('does not advance a room it is not sitting in', async () => {
    const { keeper, clock, saved } = setup()
    await keeper.restore()
    keeper.added(room('away@conference.localhost', false))
    keeper.caughtUp(0)
    clock.server += 10_000
    keeper.tick(10_000)
    expect((await saved())?.rooms['away@conference.localhost']?.readTo).toBe(1_000_000)
  })

  it('writes nothing before the saved place is read, then merges it with what happened meanwhile', async () => {
    const store = memoryStore()
    await store.set(KEY, encodePlace({ userReadTo: 900_000, rooms: { 'old@conference.localhost': { groupID: 'old', readTo: 800_000 } } }))
    const { keeper, saved } = setup(store)
    keeper.added(room('new@conference.localhost'))
    expect(decodePlace((await store.get(KEY))!)?.rooms).toEqual({ 'old@conference.localhost': { groupID: 'old', readTo: 800_000 } })
    await keeper.restore()
    expect(Object.keys((await saved())?.rooms ?? {}).sort()).toEqual(['new@conference.localhost', 'old@conference.localhost'])
  })

  it('starts afresh, and says why, from a stored value it cannot read', async () => {
    const store = memoryStore()
    await store.set(KEY, '{"format":"something else"}')
    const { keeper, errors } = setup(store)
    expect(await keeper.restore()).toBeUndefined()
    expect(String(errors[0])).toContain('not one this version reads')
  })

  it('reports a failing store and carries on', async () => {
    const failing: KeyValueStore = { get: async () => undefined, set: () => Promise.reject(new Error('disk full')), remove: async () => undefined }
    const { keeper, errors } = setup(failing)
    await keeper.restore()
    expect(keeper.userFrom(400_000, 5_000)).toBe(400_000)
    await keeper.flush()
    expect(errors.map(String)).toEqual(['Error: disk full'])
  })
})

describe('decodePlace', () => {
  it('reads back what encodePlace wrote', () => {
    const place: DevicePlace = { userReadTo: 5, rooms: { 'a@b': { groupID: 'a', readTo: 3 } } }
    expect(decodePlace(encodePlace(place))).toEqual(place)
  })

  it.each(['', 'null', '[]', '{"format":"beckon.adapter-im.place/1","userReadTo":-1,"rooms":{}}', '{"format":"beckon.adapter-im.place/1","userReadTo":1,"rooms":{"a@b":{"groupID":"","readTo":1}}}'])(
    'refuses %j',
    (text) => expect(decodePlace(text)).toBeUndefined(),
  )
})

describe('XmppTransport with a store', () => {
  it('refuses to start without a deviceID, which a new process could not find its place by', () => {
    expect(() => new XmppTransport({ service: 'xmpp://127.0.0.1:1', domain: 'localhost', userID: 'bob', password: 'x', store: memoryStore() })).toThrow(TypeError)
  })
})
