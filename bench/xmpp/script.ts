/**
 * What every load script over a server of its own does around its run: it records what is thrown
 * unhandled (a figure it reports, and a reason to fail), stops the server on Ctrl-C as on errors,
 * and exits 0 only when the run met its target.
 *
 * @module
 */
import { startBenchServer, type BenchServer } from './server.js'

/**
 * Every rejection left unhandled and exception left uncaught from now on, as lines to print; the
 * first exception keeps its stack.
 */
export const recordUnhandled = (): string[] => {
  const unhandled: string[] = []
  process.on('unhandledRejection', (reason) => unhandled.push(`unhandled rejection: ${String(reason)}`))
  process.on('uncaughtException', (error) => unhandled.push(`uncaught exception: ${unhandled.length === 0 && error instanceof Error ? error.stack : String(error)}`))
  return unhandled
}

/**
 * Runs `use`, then `stop`s its server — also on Ctrl-C or a termination signal, exiting 130 or 143
 * then: a load run must not leave its server behind.
 */
export const stoppedAfter = async <T>(stop: () => Promise<void>, use: () => Promise<T>): Promise<T> => {
  const abort = (code: number) => () => void stop().finally(() => process.exit(code))
  const onInterrupt = abort(130)
  const onTerminate = abort(143)
  process.once('SIGINT', onInterrupt).once('SIGTERM', onTerminate)
  try {
    return await use()
  } finally {
    await stop()
    process.off('SIGINT', onInterrupt).off('SIGTERM', onTerminate)
  }
}

/**
 * Starts the bench's Prosody with `accounts` registered and runs `use` on it (see
 * {@link stoppedAfter}); a server that cannot be installed or started is reported and fails the run.
 */
export const onBenchServer = async (accounts: readonly string[], use: (server: BenchServer) => Promise<boolean>): Promise<boolean> => {
  let server: BenchServer
  try {
    server = await startBenchServer(accounts)
  } catch (error) {
    console.log(`Prosody could not be installed or started: ${error instanceof Error ? error.message : String(error)}`)
    return false
  }
  return stoppedAfter(() => server.stop(), () => use(server))
}

/** Runs a script's `main`: exit code 0 if it met its target, 1 if not or if it failed (`what` names the run). */
export const runScript = (what: string, main: () => Promise<boolean>): void => {
  main().then(
    (met) => process.exit(met ? 0 : 1),
    (error: unknown) => {
      console.error(`${what} failed:`, error)
      process.exit(1)
    },
  )
}
