/**
 * Start, stop and restart the loopback Prosody that the XMPP integration tests use, installing it
 * from Debian's archive when it is missing. Used by the tests' global setup, by the fault tests
 * (restart the server while an invitation rings) and from the command line:
 *
 * ```sh
 * npx tsx scripts/prosody/server.ts start --fresh   # install if needed, wipe data, start, register users
 * npx tsx scripts/prosody/server.ts restart         # stop and start again; data survives
 * npx tsx scripts/prosody/server.ts stop
 * npx tsx scripts/prosody/server.ts run -- npx vitest run test/xmpp   # start, run, always stop
 * ```
 *
 * @module
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs'
import { createConnection } from 'node:net'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { readLog as readLogAt, runningPid as runningPidIn, stopProcess } from '../xmpp/serverProcess.js'
import { registerInBulk } from './accounts.js'
import { configPath, dataPath, logPath, renderConfig, settingsFromEnv, type ProsodySettings } from './config.js'

export { settingsFromEnv, type ProsodySettings } from './config.js'

/** The accounts every test run can log in as. */
export const TEST_USERS: readonly string[] = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi']
export const TEST_PASSWORD = 'beckon-test'

const serverPidPath = (s: ProsodySettings): string => join(s.dir, 'server.pid')

const run = (command: string, args: readonly string[], env?: NodeJS.ProcessEnv): void => {
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } })
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed with ${result.status ?? result.signal}`)
}

const hasProsody = (): boolean => spawnSync('sh', ['-c', 'command -v prosody && command -v prosodyctl'], { stdio: 'ignore' }).status === 0

/** Where Debian's prosody-modules puts the XEP-0357 push module the configuration loads. */
const PUSH_MODULE = '/usr/lib/prosody/modules/mod_cloud_notify/mod_cloud_notify.lua'

const MULTIARCH: Readonly<Record<string, string>> = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' }

/** libfaketime (Debian's path), which lets a test move a Prosody's clock (`test/xmpp/process-restart.test.ts`). */
export const FAKETIME_LIBRARY = `/usr/lib/${MULTIARCH[process.arch] ?? `${process.arch}-linux-gnu`}/faketime/libfaketime.so.1`

/**
 * Install Prosody, prosody-modules for its push module (mod_cloud_notify), and libfaketime from
 * Debian's archive unless they are already there (about 6 s with `apt-get update`).
 */
export const ensureInstalled = (): void => {
  const missing = [
    ...(hasProsody() ? [] : ['prosody']),
    ...(existsSync(PUSH_MODULE) ? [] : ['prosody-modules']),
    ...(existsSync(FAKETIME_LIBRARY) ? [] : ['libfaketime']),
  ]
  if (missing.length === 0) return
  const noninteractive = { DEBIAN_FRONTEND: 'noninteractive' }
  run('apt-get', ['update', '-qq'], noninteractive)
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], noninteractive)
}

/** Write the configuration (and the directories it names) for these settings. */
export const writeConfig = (s: ProsodySettings): void => {
  for (const dir of [s.dir, dataPath(s), join(s.dir, 'certs')]) mkdirSync(dir, { recursive: true })
  writeFileSync(configPath(s), renderConfig(s))
}

const runningPid = (s: ProsodySettings): number | undefined => runningPidIn(serverPidPath(s))

/** Resolve once the server answers a stream header with its stream features. */
export const waitUntilAnswering = async (s: ProsodySettings, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await answers(s)) return
    if (Date.now() > deadline) throw new Error(`Prosody did not answer on 127.0.0.1:${s.port} within ${timeoutMs} ms`)
    await sleep(25)
  }
}

const answers = (s: ProsodySettings): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port: s.port })
    let seen = ''
    const done = (ok: boolean): void => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1000, () => done(false))
    socket.on('error', () => done(false))
    socket.on('connect', () =>
      socket.write(`<?xml version='1.0'?><stream:stream to='${s.domain}' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>`),
    )
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8')
      if (seen.includes('features')) done(true)
    })
  })

/** Options for {@link start}. */
export interface StartOptions {
  /** Wipe the data directory first (accounts, archives, rooms) and register the test users. */
  readonly fresh?: boolean
  /** Extra environment for the server process (e.g. libfaketime's). */
  readonly env?: Readonly<Record<string, string>>
}

/** Start the server unless it is running; resolves once it answers. Returns its pid. */
export const start = async (s: ProsodySettings = settingsFromEnv(), options: StartOptions = {}): Promise<number> => {
  ensureInstalled()
  const running = runningPid(s)
  if (running !== undefined && !options.fresh) return running
  if (running !== undefined) await stop(s)
  if (options.fresh) rmSync(dataPath(s), { recursive: true, force: true })
  writeConfig(s)
  const logBefore = readLog(s).length
  const out = openSync(join(s.dir, 'prosody.out'), 'a')
  const child = spawn('prosody', ['-F', '--config', configPath(s)], { detached: true, stdio: ['ignore', out, out], env: { ...process.env, ...options.env } })
  child.unref()
  if (child.pid === undefined) throw new Error('could not spawn prosody')
  writeFileSync(serverPidPath(s), `${child.pid}\n`)
  await waitUntilAnswering(s)
  // Something else may hold the port: then whoever answers is not this server (Prosody starts
  // anyway, listening nowhere, and says so in its log).
  const log = readLog(s).slice(logBefore)
  for (const [port, variable] of [[s.port, 'BECKON_XMPP_PORT'], [s.httpPort, 'BECKON_XMPP_HTTP_PORT'], [s.componentPort, 'BECKON_XMPP_COMPONENT_PORT']] as const) {
    if (!log.includes(`Failed to open server port ${port}`)) continue
    await stop(s)
    throw new Error(`port ${port} on 127.0.0.1 is taken by another program; choose another with ${variable}`)
  }
  if (options.fresh) {
    // Through the running server in one call, not one prosodyctl process (~85 ms) per account.
    await registerInBulk(s, TEST_USERS, TEST_PASSWORD).catch(async (error: unknown) => {
      await stop(s)
      throw error
    })
  }
  return child.pid
}

const readLog = (s: ProsodySettings): string => readLogAt(logPath(s))

/** Stop the server if it runs (SIGTERM, then SIGKILL after 5 s); resolves once it has exited. */
export const stop = (s: ProsodySettings = settingsFromEnv()): Promise<void> => stopProcess(serverPidPath(s), 5_000)

/** Stop, stay down for `downMs`, start again. Accounts, archives and persistent rooms survive. */
export const restart = async (s: ProsodySettings = settingsFromEnv(), downMs = 0): Promise<void> => {
  await stop(s)
  if (downMs > 0) await sleep(downMs)
  await start(s)
}

export const isRunning = (s: ProsodySettings = settingsFromEnv()): boolean => runningPid(s) !== undefined
