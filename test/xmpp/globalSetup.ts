/**
 * Vitest global setup for `test/xmpp`: bring up the loopback Prosody (installing it if needed)
 * with fresh data and the test accounts, and stop it afterwards — unless one was already running,
 * which is then left as it was.
 */
import { isRunning, settingsFromEnv, start, stop } from '../../scripts/prosody/server.js'

export default async function setup(): Promise<() => Promise<void>> {
  const settings = settingsFromEnv()
  const wasRunning = isRunning(settings)
  if (!wasRunning) await start(settings, { fresh: true })
  return async () => {
    if (!wasRunning) await stop(settings)
  }
}
