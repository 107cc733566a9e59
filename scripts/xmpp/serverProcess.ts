/**
 * The local server processes the scripts start (Prosody, ejabberd nodes), known by the pid file
 * each writes when it starts it: whether it still runs, and stopping it.
 *
 * @module
 */
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** The pid in `pidFile`, if that process still runs. */
export const runningPid = (pidFile: string): number | undefined => {
  if (!existsSync(pidFile)) return undefined
  const pid = Number(readFileSync(pidFile, 'utf8').trim())
  return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined
}

/** Stop the process in `pidFile` if it runs (SIGTERM, SIGKILL after `graceMs`); resolves once it has exited. */
export const stopProcess = async (pidFile: string, graceMs: number): Promise<void> => {
  const pid = runningPid(pidFile)
  if (pid === undefined) return
  process.kill(pid, 'SIGTERM')
  const deadline = Date.now() + graceMs
  while (alive(pid)) {
    if (Date.now() > deadline) process.kill(pid, 'SIGKILL')
    await sleep(20)
  }
  rmSync(pidFile, { force: true })
}

/** A server's log so far (`''` before it has written one). */
export const readLog = (path: string): string => {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}
