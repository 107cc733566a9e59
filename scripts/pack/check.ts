/**
 * `npm run pack:check`: the packages as a user gets them. Packs every workspace package (each
 * `prepack` builds it from clean), installs the tarballs into a scratch app in a temporary
 * directory, and runs an ES module script, a CommonJS `require`, `tsc --strict` against the
 * shipped declarations (and each package README's example), and a browser bundle of core +
 * adapter-memory that must stay within its gzip budget. Prints one line per step and a closing
 * `N passed, N failed`; exits non-zero when a step failed. `BECKON_PACK_KEEP=1` keeps the
 * scratch directory for a look.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { checkBundle } from './bundle.js'
import { Tally } from './run.js'
import { createScratchApp, install, runCommonJs, runEsm, typeCheck, writeReadmeExamples } from './scratch.js'
import { contentProblems, describe, packAll, workspaces, type Tarball } from './tarballs.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const scratch = mkdtempSync(join(tmpdir(), 'beckon-pack-'))
const tarballDir = join(scratch, 'tarballs')
const app = join(scratch, 'app')
mkdirSync(tarballDir)
mkdirSync(app)

const tally = new Tally()
let tarballs: Tarball[] = []

const packed = await tally.step('npm pack, every package (prepack builds from clean)', () => {
  tarballs = packAll(root, tarballDir)
  const problems = tarballs.flatMap(contentProblems)
  if (problems.length > 0) throw new Error([...tarballs.map(describe), ...problems].join('\n'))
  return tarballs.map(describe).join('\n')
})

const installed =
  packed &&
  (await tally.step('install the tarballs into a scratch app', () => {
    createScratchApp(app)
    return install(app, tarballs)
  }))

if (installed) {
  await tally.step('ES module app: import', () => runEsm(app))
  await tally.step('CommonJS app: require', () => runCommonJs(app))
  await tally.step('TypeScript app: tsc --strict against the shipped types', () => {
    const examples = writeReadmeExamples(app, root, workspaces(root))
    return typeCheck(app, root, ['types.ts', 'browser.ts', ...examples])
  })
  await tally.step('browser bundle within its size budget', () => checkBundle(app))
}

if (tally.passed && process.env.BECKON_PACK_KEEP !== '1') rmSync(scratch, { recursive: true, force: true })
else console.log(`scratch app kept in ${scratch}`)
console.log(tally.summary())
process.exitCode = tally.passed ? 0 : 1
