/**
 * Where `createSignaling` gets its ids when it is given none: the runtime's Web Crypto, its
 * `crypto.getRandomValues` (which insecure `http://` pages, older React Native and mini-program
 * runtimes have too, without `crypto.randomUUID`), else `crypto.randomUUID`; a runtime with
 * neither is told, at construction, to pass the `ids` option.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createSignaling, randomIdSource } from '@beckon/core'
import { MemoryIm } from '@beckon/adapter-memory'

/** RFC 4122 §4.4: version 4 in the 13th hex digit, variant 10xx in the 17th. */
const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** The ids alice's first invite and its command draw, read back from the views. */
const inviteWithDefaultIds = async (): Promise<string> => {
  const im = new MemoryIm()
  const alice = createSignaling({ transport: im.connect('alice') })
  im.connect('bob')
  return alice.invite('bob', 'room')
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('default ids', () => {
  it('are version 4 UUIDs from getRandomValues where the runtime has both it and randomUUID', async () => {
    const real = globalThis.crypto
    const randomUUID = vi.fn(() => '00000000-0000-4000-8000-000000000001')
    vi.stubGlobal('crypto', { randomUUID, getRandomValues: (array: Uint8Array<ArrayBuffer>) => real.getRandomValues(array) })
    expect(await inviteWithDefaultIds()).toMatch(uuidV4)
    expect(randomUUID).not.toHaveBeenCalled()
  })

  it('are the runtime’s randomUUID where it has no getRandomValues', async () => {
    const randomUUID = vi.fn(() => '00000000-0000-4000-8000-000000000001')
    vi.stubGlobal('crypto', { randomUUID })
    expect(await inviteWithDefaultIds()).toBe('00000000-0000-4000-8000-000000000001')
    expect(randomUUID).toHaveBeenCalled()
  })

  it('draw random bytes for a batch of ids at a time, and every id of a batch differs', () => {
    const real = globalThis.crypto
    let draws = 0
    const ids = randomIdSource({ getRandomValues: (array: Uint8Array) => (draws++, real.getRandomValues(array as Uint8Array<ArrayBuffer>)) })
    const drawn = Array.from({ length: 2_100 }, () => ids())
    for (const id of drawn) expect(id).toMatch(uuidV4)
    expect(new Set(drawn).size).toBe(2_100)
    expect(draws).toBe(3)
  })

  it('are version 4 UUIDs from getRandomValues where randomUUID is missing (an http:// page)', async () => {
    const real = globalThis.crypto
    vi.stubGlobal('crypto', { getRandomValues: (array: Uint8Array<ArrayBuffer>) => real.getRandomValues(array) })
    const ids = await Promise.all([inviteWithDefaultIds(), inviteWithDefaultIds(), inviteWithDefaultIds()])
    for (const id of ids) expect(id).toMatch(uuidV4)
    expect(new Set(ids).size).toBe(3)
  })

  it('set the version and variant bits whatever bytes getRandomValues gives', async () => {
    vi.stubGlobal('crypto', { getRandomValues: (array: Uint8Array) => array.fill(0xff) })
    expect(await inviteWithDefaultIds()).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff')
    vi.stubGlobal('crypto', { getRandomValues: (array: Uint8Array) => array.fill(0) })
    expect(await inviteWithDefaultIds()).toBe('00000000-0000-4000-8000-000000000000')
  })

  it('without any Web Crypto, createSignaling throws a TypeError that names the ids option', () => {
    vi.stubGlobal('crypto', undefined)
    const im = new MemoryIm()
    expect(() => createSignaling({ transport: im.connect('alice') })).toThrow(TypeError)
    expect(() => createSignaling({ transport: im.connect('alice', { deviceID: 'tablet' }) })).toThrow(/crypto\.randomUUID.*crypto\.getRandomValues.*\bids\b/)
  })

  it('are not needed when the app passes ids', async () => {
    vi.stubGlobal('crypto', undefined)
    const im = new MemoryIm()
    let n = 0
    const alice = createSignaling({ transport: im.connect('alice'), ids: () => `id-${++n}` })
    im.connect('bob')
    expect(await alice.invite('bob', 'room')).toBe('id-1')
  })
})
