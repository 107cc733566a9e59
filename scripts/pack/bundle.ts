/**
 * The browser bundle a web app gets from the installed tarballs: core + adapter-memory, bundled
 * by esbuild for browsers and minified. Its gzip size must stay within the budget; each
 * dependency must be in it once (fp-ts once, from its ES build); and the bundle must still run,
 * which a wrong `sideEffects: false` (a module dropped that was needed) would break.
 */
import { build, type Metafile } from 'esbuild'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { runNode } from './run.js'

/**
 * The budget for core + adapter-memory, gzip. It was 45.8 KB while fp-ts was in twice, 39.3 KB
 * once it was not; the facade's argument checks with their messages, the closed state, listener
 * error reporting and the UI store added 3.0 KB (42.3 KB); the native facade's refusal of Tencent
 * Web's call shapes (its messages name the native call to use) and the shell's deadline heap
 * another 1.9 KB (44.2 KB), hence 46 KB. The Tencent Web facade itself is tree-shaken out of an
 * app that does not import it. At 46.0 KB the invitee machine stopped using XState's `setup()`,
 * whose action creators it never used (45.1 KB; 45.7 KB with the embedded IM's shared offline
 * records). An invitation's flags as bits with its deadline's record number beside them (no
 * second table by invite id: about 80 bytes less per pending 1:1 invitation on either side), the
 * engine's fresh-state constructor and probe-saving paths, and default ids written from batched
 * random bytes added 0.8 KB (46.5 KB), hence 47 KB. Decisions kept as entries of a list rather
 * than an object per answer (32 bytes retained per answer instead of 96), the receive path's
 * unwrapped decode, and a pending 1:1 record without its boxed time and rare fields (about 37
 * bytes less on either side) added 0.8 KB (47.3 KB), hence 47.5 KB. An invitee's decided type in
 * its state code with bytes for big groups (half what a million-member group's first answer
 * writes), a received message stepped without an input object and a decision's data in a column
 * (about a quarter less allocated per answer), the last-found invitation, and a pending 1:1
 * invitation whose untouched fields live in shared extras (about 50 bytes less on either side)
 * added 0.4 KB (47.7 KB), hence 48 KB. A received answer's fact refilled in place and per-inviter
 * counts kept only near their cap added 0.1 KB (47.8 KB). Reading a short payload laid out as
 * beckon writes it without `JSON.parse` (a received answer through the facade about 0.2 µs
 * cheaper, the row of issue 7's ≤ 2 µs) added 0.6 KB; the embedded IM's deliveries as timer slots
 * of their own, its offline store as columns and its virtual clock draining microtasks without a
 * turn of the event loop (what it adds to a 1:1 lifecycle from about 21 to about 3 µs, the row's
 * ≤ 50 %) added 0.7 KB (49.1 KB), hence 49.5 KB. Tombstones sharing one removal timer (the first's)
 * instead of one each (the facade's 1:1 lifecycles ×1.07 in wall time and ×1.09 in CPU time at the
 * bench's 100,000, about 49 bytes less per tombstone) added 0.13 KB (49.6 KB with 40 bytes to
 * spare), hence 49.6 KB. `getSnapshot` keeping each invitation's and invitee's view and making
 * only what changed (a host's UI following 3,000 members answering: 0.3 s where it was 3.4 s,
 * quadratic in the group's size) and the marks of early-dropped tombstones swept when their table
 * doubles (a device flooded by thousands of inviters no longer slows with each) added 0.2 KB
 * (49.8 KB), hence 49.9 KB.
 */
export const budgetBytes = 49.9 * 1024

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`

/** Where an input file of the bundle comes from: a package (with the folder it was installed in). */
const origin = (input: string): { name: string; root: string } | undefined => {
  const match = /^(.*node_modules\/)((?:@[^/]+\/)?[^/]+)/.exec(input)
  return match?.[1] === undefined || match[2] === undefined ? undefined : { name: match[2], root: match[1] + match[2] }
}

/** Problems with what went into the bundle: a package installed twice, or fp-ts's CommonJS build. */
const duplicates = (inputs: Metafile['inputs']): string[] => {
  const roots = new Map<string, Set<string>>()
  for (const input of Object.keys(inputs)) {
    const from = origin(input)
    if (from !== undefined) roots.set(from.name, (roots.get(from.name) ?? new Set()).add(from.root))
  }
  const twice = [...roots].filter(([, r]) => r.size > 1).map(([name, r]) => `${name} is bundled ${r.size} times: ${[...r].join(', ')}`)
  const commonJs = Object.keys(inputs).filter((i) => /node_modules\/(fp-ts|io-ts)\/lib\//.test(i))
  return commonJs.length > 0 ? [...twice, `CommonJS builds bundled: ${commonJs.join(', ')}`] : twice
}

/** Bytes of minified output per package (the app's own code under `(app)`). */
const byPackage = (metafile: Metafile): string => {
  const sizes = new Map<string, number>()
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = origin(input)?.name ?? '(app)'
      sizes.set(name, (sizes.get(name) ?? 0) + bytesInOutput)
    }
  }
  return [...sizes].sort((a, b) => b[1] - a[1]).map(([name, bytes]) => `${name} ${kb(bytes)}`).join(', ')
}

/** Builds, measures and runs the bundle; throws when over budget or when its contents are wrong. */
export const checkBundle = async (dir: string): Promise<string> => {
  const outfile = join(dir, 'bundle', 'browser.js')
  const result = await build({
    absWorkingDir: dir,
    entryPoints: ['browser.ts'],
    outfile,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    metafile: true,
    logLevel: 'error',
  })
  const code = readFileSync(outfile)
  const gzip = gzipSync(code).length
  const verdict = gzip <= budgetBytes ? 'MET' : 'MISSED'
  const lines = [
    `browser bundle, core + adapter-memory (esbuild --minify, platform browser): ${kb(code.length)} minified, ${kb(gzip)} gzip; budget ${kb(budgetBytes)} gzip: ${verdict}`,
    `minified bytes by package: ${byPackage(result.metafile)}`,
  ]
  const problems = duplicates(result.metafile.inputs)
  if (problems.length > 0) throw new Error([...lines, ...problems].join('\n'))
  if (verdict === 'MISSED') throw new Error(lines.join('\n'))
  lines.push(runNode([outfile], { cwd: dir }).trim())
  return lines.join('\n')
}
