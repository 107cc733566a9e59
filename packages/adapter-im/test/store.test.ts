import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { fileStore } from '../src/node.js'
import { memoryStore, webStorageStore, type KeyValueStore, type WebStorage } from '../src/store.js'

const directories: string[] = []
const scratch = (): string => {
  const directory = mkdtempSync(join(tmpdir(), 'beckon-store-'))
  directories.push(directory)
  return directory
}
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true })
})

/** Web Storage as browsers define it (strings in, strings out, `null` for a missing key), over a Map. */
const mapStorage = (): WebStorage & { readonly items: Map<string, string> } => {
  const items = new Map<string, string>()
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, String(value)),
    removeItem: (key) => void items.delete(key),
  }
}

const stores: ReadonlyArray<readonly [string, () => KeyValueStore]> = [
  ['memoryStore', memoryStore],
  ['webStorageStore', () => webStorageStore(mapStorage())],
  ['fileStore', () => fileStore(join(scratch(), 'nested', 'dir'))],
]

// The laws every KeyValueStore owes the adapter (see KeyValueStore's documentation).
describe.each(stores)('%s, as a KeyValueStore', (_name, make) => {
  it('reads undefined for a key never set', async () => {
    expect(await make().get('never')).toBeUndefined()
  })

  it('reads back what was set, until the next set or remove', async () => {
    const store = make()
    await store.set('a/b@c', '{"x":1}')
    expect(await store.get('a/b@c')).toBe('{"x":1}')
    await store.set('a/b@c', '{"x":2}')
    expect(await store.get('a/b@c')).toBe('{"x":2}')
    await store.remove('a/b@c')
    expect(await store.get('a/b@c')).toBeUndefined()
  })

  it('keeps keys apart, however alike they look', async () => {
    const store = make()
    await Promise.all([store.set('k', '1'), store.set('K', '2'), store.set('k/', '3'), store.set('k%2F', '4')])
    expect(await Promise.all(['k', 'K', 'k/', 'k%2F'].map((key) => store.get(key)))).toEqual(['1', '2', '3', '4'])
  })

  it('applies calls on one key in call order: the later set wins', async () => {
    const store = make()
    const values = Array.from({ length: 20 }, (_, i) => `v${i}`)
    await Promise.all(values.map((value) => store.set('race', value)))
    expect(await store.get('race')).toBe('v19')
    await Promise.all([store.set('race', 'kept'), store.remove('race')])
    expect(await store.get('race')).toBeUndefined()
  })

  it('removing a key never set is not an error', async () => {
    await expect(make().remove('nothing')).resolves.toBeUndefined()
  })
})

describe('webStorageStore', () => {
  it('prefixes its keys, so they sit apart from the app’s own', async () => {
    const storage = mapStorage()
    await webStorageStore(storage, 'app1:').set('k', 'v')
    expect([...storage.items]).toEqual([['app1:k', 'v']])
  })

  it('rejects a set the storage refuses (a full localStorage), and keeps the old value', async () => {
    const storage = mapStorage()
    const store = webStorageStore(storage)
    await store.set('k', 'old')
    storage.setItem = () => {
      throw new Error('QuotaExceededError')
    }
    await expect(store.set('k', 'new')).rejects.toThrow('QuotaExceededError')
    expect(await store.get('k')).toBe('old')
  })

  it('refuses to start without a storage in a runtime that has none', () => {
    expect('localStorage' in globalThis && (globalThis as { localStorage?: unknown }).localStorage !== undefined).toBe(false)
    expect(() => webStorageStore()).toThrow(TypeError)
  })
})

describe('fileStore', () => {
  it('outlives its process: another process reads what this one wrote', async () => {
    const directory = scratch()
    await fileStore(directory).set('alice@localhost/desk', 'position')
    const script = `import('${new URL('../src/fileStore.ts', import.meta.url).pathname}').then(async ({ fileStore }) => process.stdout.write(String(await fileStore(${JSON.stringify(directory)}).get('alice@localhost/desk'))))`
    const read = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' })
    expect(read).toBe('position')
  })

  it('leaves one file per key and no temporary files behind', async () => {
    const directory = scratch()
    const store = fileStore(directory)
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.set('one', String(i))))
    await store.set('a'.repeat(500), 'long key')
    expect(await store.get('a'.repeat(500))).toBe('long key')
    expect(readdirSync(directory).sort()).toEqual([expect.stringMatching(/^[0-9a-f]{64}\.json$/), 'one.json'])
  })
})
