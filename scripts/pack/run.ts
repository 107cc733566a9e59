/**
 * What the pack check's steps share: running a command and failing with its output, and the
 * steps' tally, printed as one line per step and a closing `N passed, N failed` line.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process'

/** A command that exited non-zero, with what it printed. */
export class CommandFailed extends Error {
  constructor(command: string, status: number | null, output: string) {
    super(`${command} exited with ${status ?? 'a signal'}\n${output.trim()}`)
  }
}

/** Runs `command` and returns its standard output; throws `CommandFailed` unless it exits 0. */
export const run = (command: string, args: readonly string[], options: SpawnSyncOptions = {}): string => {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options })
  const stdout = String(result.stdout ?? '')
  const stderr = String(result.stderr ?? '')
  if (result.error !== undefined) throw result.error
  if (result.status !== 0) throw new CommandFailed([command, ...args].join(' '), result.status, `${stdout}\n${stderr}`)
  return stdout
}

/** Runs a Node script with this very Node, so the check exercises the runtime CI has. */
export const runNode = (args: readonly string[], options: SpawnSyncOptions = {}): string => run(process.execPath, args, options)

interface Outcome {
  readonly name: string
  readonly ok: boolean
  readonly ms: number
}

/** The steps run so far; a failed step is reported and the check goes on where it can. */
export class Tally {
  private readonly outcomes: Outcome[] = []

  /** Runs one step, printing what it reports (or why it failed) and how long it took. */
  async step(name: string, body: () => Promise<string> | string): Promise<boolean> {
    const started = performance.now()
    let ok = true
    let report: string
    try {
      report = await body()
    } catch (error) {
      ok = false
      report = error instanceof Error ? error.message : String(error)
    }
    const ms = performance.now() - started
    this.outcomes.push({ name, ok, ms })
    console.log(`${ok ? '✓' : '✗'} ${name} (${(ms / 1000).toFixed(1)} s)`)
    for (const line of report.split('\n').filter((l) => l.trim() !== '')) console.log(`    ${line}`)
    return ok
  }

  /** Whether every step passed. */
  get passed(): boolean {
    return this.outcomes.every((o) => o.ok)
  }

  /** The closing line CI reads. */
  summary(): string {
    const failed = this.outcomes.filter((o) => !o.ok).length
    return `pack-check: ${this.outcomes.length - failed} passed, ${failed} failed`
  }
}
