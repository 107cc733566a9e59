/**
 * Vitest global setup for `test/xmpp`: bring up the loopback XMPP server (Prosody, or ejabberd
 * with `BECKON_XMPP_SERVER=ejabberd`; installing it if needed) with fresh data and the test
 * accounts, and stop it afterwards — unless one was already running, which is then left as it was.
 */
import { serverFromEnv } from '../../scripts/xmpp/testServer.js'

export default async function setup(): Promise<() => Promise<void>> {
  const server = serverFromEnv()
  const wasRunning = server.isRunning()
  if (!wasRunning) {
    const began = Date.now()
    await server.start({ fresh: true })
    console.log(`${server.label} started fresh on 127.0.0.1:${server.ports.join(', ')} in ${Date.now() - began} ms`)
  }
  return async () => {
    if (!wasRunning) await server.stop()
  }
}
