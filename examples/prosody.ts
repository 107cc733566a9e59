/**
 * A Prosody for the demo (`npm run demo -- --xmpp`): the one already running at the settings of
 * `scripts/prosody` (`BECKON_XMPP_PORT`, `BECKON_XMPP_DOMAIN`, `BECKON_PROSODY_DIR`), left
 * running afterwards, or else a fresh one that this run starts and stops.
 *
 * On a fresh server the script's names are the accounts. On a server that was already running,
 * last runs' archives and rooms are there, so this run's people get accounts of their own
 * (`alice-<run>`; see {@link suffixed}).
 *
 * @module
 */
import { registerInBulk } from '../scripts/prosody/accounts.js'
import { isRunning, settingsFromEnv, start, stop, TEST_PASSWORD } from '../scripts/prosody/server.js'
import { sameNames, suffixed, type XmppLogin } from './xmpp.js'

export interface DemoServer {
  readonly login: XmppLogin
  /** One line saying which server, and which accounts. */
  readonly description: string
  /** Stop the server if this run started it. */
  release(): Promise<void>
}

export const prosodyFor = async (names: readonly string[], groups: readonly string[]): Promise<DemoServer> => {
  const settings = settingsFromEnv()
  const reused = isRunning(settings)
  const naming = reused ? suffixed(Date.now().toString(36)) : sameNames
  if (!reused) await start(settings, { fresh: true })
  try {
    await registerInBulk(settings, names.map(naming.toServer), TEST_PASSWORD)
  } catch (error) {
    if (!reused) await stop(settings)
    throw error
  }
  const where = `Prosody on 127.0.0.1:${settings.port} (${reused ? 'already running, left running' : 'started for this run'})`
  const accounts = reused ? `; accounts ${naming.toServer('<name>')}@${settings.domain}, rooms ${groups.map(naming.toServer).join(', ')}` : `; accounts <name>@${settings.domain}`
  const release = async (): Promise<void> => {
    if (!reused) await stop(settings)
  }
  // Ctrl-C, or a closed pipe (`| head`), must not leave a server this run started behind.
  const abort = (code: number) => () => void release().finally(() => process.exit(code))
  process.once('SIGINT', abort(130)).once('SIGTERM', abort(143))
  process.stdout.once('error', abort(1))
  return {
    login: { service: `xmpp://127.0.0.1:${settings.port}`, domain: settings.domain, password: TEST_PASSWORD, naming },
    description: where + accounts,
    release,
  }
}
