/**
 * Runs measurement jobs in fresh Node processes. The child (sample.ts and what it imports, the
 * library's sources included) is bundled once per bench run, so a child starts in a fraction of a
 * second instead of compiling TypeScript again; it runs with `--expose-gc` so it can collect before
 * it measures.
 *
 * @module
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { Job, Outcome } from './sample.js'

const here = dirname(fileURLToPath(import.meta.url))
/** A directory of this run's own (runs from several checkouts may overlap), removed when the run ends. */
const buildDir = mkdtempSync(join(tmpdir(), 'beckon-bench-'))
process.on('exit', () => rmSync(buildDir, { recursive: true, force: true }))
const bundle = join(buildDir, 'sample.mjs')

/** Bundles the child from the sources (the `source` export condition), as `tsx --conditions=source` runs them. */
export const bundleChild = async (): Promise<void> => {
  await build({
    entryPoints: [join(here, 'sample.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['source'],
    logLevel: 'warning',
  })
}

/** A job's result, or why there is none: it ran past its time limit, or it failed. */
export type JobResult = { readonly ok: Outcome } | { readonly stopped: number } | { readonly failed: string }

/** How long a time-limited job may spend on its setup (before it prints `ready`). */
const SETUP_LIMIT_MS = 180_000

/**
 * Runs `job` in a fresh process. With `limitMs`, the child is stopped that long after it printed
 * `ready` (its setup done), and its setup is stopped after {@link SETUP_LIMIT_MS}.
 */
export const runJob = (job: Job, limitMs?: number): Promise<JobResult> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', bundle, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    let timer: NodeJS.Timeout | undefined
    let stoppedIn: 'setup' | 'run' | undefined
    let ready = false
    const arm = (ms: number, phase: 'setup' | 'run'): void => {
      clearTimeout(timer)
      timer = setTimeout(() => {
        stoppedIn = phase
        child.kill('SIGKILL')
      }, ms)
    }
    if (limitMs !== undefined) arm(SETUP_LIMIT_MS, 'setup')
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (!ready && limitMs !== undefined && /^ready$/m.test(stdout)) {
        ready = true
        arm(limitMs, 'run')
      }
    })
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()))
    child.on('close', (code) => {
      clearTimeout(timer)
      if (stoppedIn === 'run') return resolve({ stopped: limitMs! })
      if (stoppedIn === 'setup') return resolve({ failed: `setup took longer than ${SETUP_LIMIT_MS / 1e3} s` })
      const last = stdout.trim().split('\n').at(-1) ?? ''
      if (code !== 0 || !last.startsWith('{')) return resolve({ failed: (stderr.trim().split('\n').slice(-3).join(' ') || `exit ${code}`).slice(0, 300) })
      resolve({ ok: JSON.parse(last) as Outcome })
    })
  })
