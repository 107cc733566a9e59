/**
 * Packs every workspace package with `npm pack`, as `npm publish` would: each package's `prepack`
 * builds it from a clean slate, so the tarballs prove that an unbuilt clone packs a built package.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { run } from './run.js'

/** One packed package. */
export interface Tarball {
  readonly name: string
  readonly version: string
  /** Absolute path of the `.tgz`. */
  readonly path: string
  readonly files: readonly string[]
  readonly unpackedBytes: number
}

interface PackEntry {
  readonly name: string
  readonly version: string
  readonly filename: string
  readonly unpackedSize: number
  readonly files: readonly { readonly path: string }[]
}

/** The workspace packages, in the order the root package.json lists them (dependencies first). */
export const workspaces = (root: string): string[] =>
  (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces

/** Packs every workspace into `destination`. */
export const packAll = (root: string, destination: string): Tarball[] => {
  const stdout = run('npm', ['pack', '--workspaces', '--json', '--pack-destination', destination], { cwd: root })
  // Lifecycle scripts may print before npm's JSON: it starts at the first line that is just '['.
  const start = stdout.search(/^\[\s*$/m)
  if (start < 0) throw new Error(`npm pack printed no JSON:\n${stdout}`)
  const entries = JSON.parse(stdout.slice(start)) as PackEntry[]
  return entries.map((e) => ({
    name: e.name,
    version: e.version,
    path: join(destination, e.filename),
    files: e.files.map((f) => f.path),
    unpackedBytes: e.unpackedSize,
  }))
}

/** Files every tarball must hold: the entry points its package.json names, and the docs. */
const required = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist/index.js', 'dist/index.d.ts']

/** Files no tarball may hold: tests, build state, local servers' data. */
const forbidden = [/(^|\/)test\//, /\.tsbuildinfo$/, /(^|\/)\.prosody\//, /(^|\/)node_modules\//]

/** Problems with a tarball's contents (none when it is publishable). */
export const contentProblems = (tarball: Tarball): string[] => {
  const missing = required.filter((f) => !tarball.files.includes(f)).map((f) => `${tarball.name}: no ${f}`)
  const stray = tarball.files.filter((f) => forbidden.some((p) => p.test(f))).map((f) => `${tarball.name}: ships ${f}`)
  const declarations = tarball.files.filter((f) => f.startsWith('dist/') && f.endsWith('.d.ts')).length
  const modules = tarball.files.filter((f) => f.startsWith('dist/') && f.endsWith('.js')).length
  const unbuilt = modules === 0 || declarations === 0 ? [`${tarball.name}: dist/ has ${modules} modules, ${declarations} declarations`] : []
  return [...missing, ...stray, ...unbuilt]
}

/** One line per tarball: name, version, file count, size. */
export const describe = (tarball: Tarball): string => {
  const dist = tarball.files.filter((f) => f.startsWith('dist/')).length
  return `${tarball.name}@${tarball.version}: ${tarball.files.length} files (${dist} in dist/), ${(tarball.unpackedBytes / 1024).toFixed(1)} KB unpacked`
}
