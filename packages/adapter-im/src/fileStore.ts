/**
 * The storage port on the file system, for Node: one file per key in one directory. Exported from
 * `@beckon/adapter-im/node` only, so the package's main entry stays free of `node:*` and runs in
 * browsers.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { KeyValueStore } from './store.js'

/** File names stay readable (the key, URI-encoded) unless that would be too long for a file system. */
const fileName = (key: string): string => {
  const readable = encodeURIComponent(key).replaceAll('*', '%2A')
  return readable.length <= 200 ? `${readable}.json` : `${createHash('sha256').update(key).digest('hex')}.json`
}

let temporaries = 0

/**
 * A {@link KeyValueStore} keeping each key in a file of `directory` (created when first written).
 * A `set` writes a temporary file, flushes it to disk and renames it over the old one, so a
 * process killed at any moment — or a machine losing power — leaves either the old value or the
 * new one, never a torn file. Calls on one key run one after another, in call order. One process
 * at a time should use a directory (two devices may share it: their keys differ).
 *
 * @example
 * ```ts
 * import { connectXmpp } from '@beckon/adapter-im'
 * import { fileStore } from '@beckon/adapter-im/node'
 *
 * const transport = connectXmpp({ service, domain, userID: 'alice', password, deviceID: 'desk', store: fileStore('./.beckon') })
 * ```
 */
export const fileStore = (directory: string): KeyValueStore => {
  const queues = new Map<string, Promise<unknown>>()
  /** Run `operation` after every earlier call on `key` has settled. */
  const inOrder = <T>(key: string, operation: () => Promise<T>): Promise<T> => {
    const next = (queues.get(key) ?? Promise.resolve()).then(operation, operation)
    const settled = next.catch(() => undefined)
    queues.set(key, settled)
    void settled.then(() => {
      if (queues.get(key) === settled) queues.delete(key)
    })
    return next
  }
  return {
    get: (key) =>
      inOrder(key, async () => {
        try {
          return await readFile(join(directory, fileName(key)), 'utf8')
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
          throw error
        }
      }),
    set: (key, value) =>
      inOrder(key, async () => {
        await mkdir(directory, { recursive: true })
        const target = join(directory, fileName(key))
        const temporary = `${target}.${process.pid}.${++temporaries}.tmp`
        const file = await open(temporary, 'w')
        try {
          await file.writeFile(value, 'utf8')
          await file.datasync()
        } finally {
          await file.close()
        }
        await rename(temporary, target)
      }),
    remove: (key) => inOrder(key, () => rm(join(directory, fileName(key)), { force: true })),
  }
}
