/**
 * `@beckon/adapter-im/node`: what only Node can run — the file-backed storage port. The main entry
 * (`@beckon/adapter-im`) imports no `node:*` module, so it also runs in browsers.
 *
 * @module
 */

export { fileStore } from './fileStore.js'
