/**
 * A Prosody of its own whose clock a test can move forward: the server runs under libfaketime,
 * reading its offset from a file the test rewrites. Everything that reads the server's time —
 * archive stamps, XEP-0202 answers, its own timers — moves together, as if that much time had
 * passed for the server, while the test waits only seconds. Its own port (any free one) and
 * directory keep it apart from the shared test server, whose clock the other suites rely on.
 *
 * @module
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { connectXmpp, type XmppTransport, type XmppTransportOptions } from '@beckon/adapter-im'
import { registerInBulk } from '../../scripts/prosody/accounts.js'
import type { ProsodySettings } from '../../scripts/prosody/config.js'
import { FAKETIME_LIBRARY, start, stop, TEST_PASSWORD } from '../../scripts/prosody/server.js'
import { settings as shared, sleep } from './support.js'

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))))
    })
  })


export class ClockedProsody {
  private constructor(
    readonly settings: ProsodySettings,
    private readonly offsetFile: string,
  ) {}

  /** Start a fresh server whose clock reads true, until {@link moveClock}. */
  static async start(): Promise<ClockedProsody> {
    const dir = join(shared.dir, 'clocked')
    // Every port its own, so that it never collides with the shared server's c2s, HTTP or component port.
    const settings: ProsodySettings = { ...shared, dir, port: await freePort(), httpPort: await freePort(), componentPort: await freePort() }
    const offsetFile = join(dir, 'clock-offset')
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    const server = new ClockedProsody(settings, offsetFile)
    server.#writeOffset(0)
    await start(settings, {
      fresh: true,
      env: {
        LD_PRELOAD: FAKETIME_LIBRARY,
        FAKETIME_TIMESTAMP_FILE: offsetFile,
        // Re-read the offset file at every clock reading: with its default cache (10 s; and even
        // with a 1 s one, once in six runs on a loaded machine) the server could answer the old time.
        FAKETIME_NO_CACHE: '1',
      },
    }).catch(async (error: unknown) => {
      await stop(settings)
      throw error
    })
    return server
  }

  /** Create accounts (password {@link TEST_PASSWORD}). */
  register(accounts: readonly string[]): Promise<void> {
    return registerInBulk(this.settings, accounts, TEST_PASSWORD)
  }

  /** From now on the server's clock reads `seconds` ahead of the real one. */
  async moveClock(seconds: number): Promise<void> {
    this.#writeOffset(seconds)
    await sleep(100)
  }

  /** A device of `account` on this server, connecting. */
  device(account: string, deviceID: string, options: Partial<XmppTransportOptions> = {}): XmppTransport {
    return connectXmpp({ ...this.deviceOptions(account, deviceID), reconnectDelayMs: 100, ...options })
  }

  deviceOptions(account: string, deviceID: string): XmppTransportOptions {
    return { service: `xmpp://127.0.0.1:${this.settings.port}`, domain: this.settings.domain, userID: account, password: TEST_PASSWORD, deviceID }
  }

  async stop(): Promise<void> {
    await stop(this.settings)
    rmSync(this.settings.dir, { recursive: true, force: true })
  }

  #writeOffset(seconds: number): void {
    // libfaketime's relative format: "+<seconds>" from the real clock.
    writeFileSync(this.offsetFile, `+${seconds}\n`)
  }
}
