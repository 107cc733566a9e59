/**
 * The bench's own Prosody: `scripts/prosody` with a directory and a port of its own
 * (`.prosody/bench/`; `BECKON_BENCH_PROSODY_DIR`, `BECKON_BENCH_XMPP_PORT`, else
 * `BECKON_XMPP_PORT` plus 1,000, else 15223), so a bench never touches the server a test run or
 * a developer is using. Started fresh, stopped at the end — also on Ctrl-C and on errors
 * ({@link BenchServer.stop} is idempotent).
 *
 * @module
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { connectXmpp, type XmppTransport, type XmppTransportOptions } from '@beckon/adapter-im'
import { registerInBulk } from '../../scripts/prosody/accounts.js'
import { settingsFromEnv, start, stop, TEST_PASSWORD, type ProsodySettings } from '../../scripts/prosody/server.js'

export interface BenchServer {
  readonly settings: ProsodySettings
  /** `prosody` as the package manager has it, e.g. `0.12.3-1`. */
  readonly version: string
  /** A new device of `userID`, connecting (wait for `connected` before using it). */
  device(userID: string, deviceID?: string, options?: Partial<XmppTransportOptions>): XmppTransport
  stop(): Promise<void>
}

export const benchSettings = (env: NodeJS.ProcessEnv = process.env): ProsodySettings =>
  settingsFromEnv({
    ...env,
    BECKON_PROSODY_DIR: env['BECKON_BENCH_PROSODY_DIR'] ?? join(process.cwd(), '.prosody', 'bench'),
    BECKON_XMPP_PORT: env['BECKON_BENCH_XMPP_PORT'] ?? (env['BECKON_XMPP_PORT'] === undefined ? '15223' : String(Number(env['BECKON_XMPP_PORT']) + 1000)),
    BECKON_XMPP_HTTP_PORT: undefined, // its own: the bench's port + 10
  })

const versionOf = (): string => {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Version}', 'prosody'], { encoding: 'utf8' })
  return result.status === 0 ? result.stdout.trim() : 'unknown version'
}

/** Start a fresh server with `users` registered (all in one call to the server: 10,000 take seconds). */
export const startBenchServer = async (users: readonly string[]): Promise<BenchServer> => {
  const settings = benchSettings()
  try {
    await start(settings, { fresh: true })
  } catch (error) {
    await stop(settings).catch(() => undefined) // a server that started but never answered
    throw error
  }
  let stopped: Promise<void> | undefined
  const server: BenchServer = {
    settings,
    version: versionOf(),
    device: (userID, deviceID, options = {}) =>
      connectXmpp({ service: `xmpp://127.0.0.1:${settings.port}`, domain: settings.domain, userID, password: TEST_PASSWORD, ...(deviceID === undefined ? {} : { deviceID }), ...options }),
    stop: () => (stopped ??= stop(settings)),
  }
  try {
    await registerInBulk(settings, users, TEST_PASSWORD)
  } catch (error) {
    await server.stop()
    throw error
  }
  return server
}

/** Resolve once every transport reports `connected` (caught up); reject after `timeoutMs`. */
export const allConnected = async (transports: readonly XmppTransport[], timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!transports.every((t) => t.connectionState === 'connected')) {
    if (Date.now() > deadline) throw new Error(`${transports.filter((t) => t.connectionState !== 'connected').length} devices did not connect within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
