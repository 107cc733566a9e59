/**
 * The storage port: where a device keeps what must outlive its process (its catch-up position
 * and the rooms it sits in, see `place.ts`). The app provides it; the adapter ships one for each
 * kind of runtime:
 *
 * | runtime | store |
 * |---|---|
 * | Node | `fileStore(directory)` from `@beckon/adapter-im/node`: one file per key, replaced atomically |
 * | browsers | {@link webStorageStore}: `localStorage` (or any Web Storage) |
 * | anywhere | {@link memoryStore}: lives as long as the process (for tests, or several transports of one device) |
 *
 * It is small on purpose, so any database, IndexedDB wrapper or native key/value API fits in a
 * few lines.
 *
 * @module
 */

/**
 * An asynchronous key/value store of strings. Laws (what the adapter relies on):
 * - after `set(k, v)` resolves, `get(k)` resolves to `v` — also in a later process, for a durable
 *   store — until the next `set(k, …)` or `remove(k)`;
 * - after `remove(k)` resolves, `get(k)` resolves to `undefined`; a key never set reads `undefined`;
 * - calls on one key take effect in the order they were made (the later `set` wins);
 * - a failure rejects the promise and changes nothing it did not say it changed. The adapter
 *   reports such failures through its `onError` and carries on: a device that cannot save its
 *   place still works, it only catches up less far after a restart.
 *
 * Values are small JSON texts (about 100 bytes plus 100 per room).
 *
 * @example
 * ```ts
 * // Any async key/value API fits, e.g. a Redis client:
 * const store: KeyValueStore = {
 *   get: async (key) => (await redis.get(key)) ?? undefined,
 *   set: async (key, value) => void (await redis.set(key, value)),
 *   remove: async (key) => void (await redis.del(key)),
 * }
 * ```
 */
export interface KeyValueStore {
  get(key: string): Promise<string | undefined>
  set(key: string, value: string): Promise<void>
  remove(key: string): Promise<void>
}

/** A store in this process's memory: gone when the process ends. */
export const memoryStore = (): KeyValueStore => {
  const values = new Map<string, string>()
  return {
    get: async (key) => values.get(key),
    set: async (key, value) => void values.set(key, value),
    remove: async (key) => void values.delete(key),
  }
}

/** The part of the Web Storage API (`localStorage`, `sessionStorage`) that {@link webStorageStore} uses. */
export interface WebStorage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

/**
 * A store over Web Storage, for browsers: `localStorage` unless another is given. Keys are
 * prefixed with `prefix` (default `beckon:`) so they sit apart from the app's own. A full storage
 * (`QuotaExceededError`) rejects the `set`.
 *
 * Throws a `TypeError` when no storage is given and the runtime has no `localStorage`.
 *
 * @example
 * ```ts
 * const transport = connectXmpp({ service: 'wss://chat.example.org/xmpp-websocket', domain, userID, password, deviceID: 'browser', store: webStorageStore() })
 * ```
 */
export const webStorageStore = (storage: WebStorage | undefined = defaultWebStorage(), prefix = 'beckon:'): KeyValueStore => {
  if (storage === undefined) throw new TypeError('webStorageStore: this runtime has no localStorage; pass a Web Storage')
  const run = <T>(operation: () => T): Promise<T> => {
    try {
      return Promise.resolve(operation())
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)))
    }
  }
  return {
    get: (key) => run(() => storage.getItem(prefix + key) ?? undefined),
    set: (key, value) => run(() => storage.setItem(prefix + key, value)),
    remove: (key) => run(() => storage.removeItem(prefix + key)),
  }
}

const defaultWebStorage = (): WebStorage | undefined => {
  try {
    // Reading `localStorage` throws where the browser forbids storage (sandboxed frames, some private modes).
    return (globalThis as { localStorage?: WebStorage }).localStorage
  } catch {
    return undefined
  }
}
