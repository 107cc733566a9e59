/**
 * The XMPP integration suites, as the last part of `npm test`. They need a real Prosody on
 * loopback (their global setup installs it from Debian's archive if missing, starts it and stops
 * it), so they run when `BECKON_XMPP=1` — CI sets it — and say how to run them otherwise.
 */
import { spawnSync } from 'node:child_process'

if (process.env.BECKON_XMPP !== '1') {
  console.log('\nXMPP integration suites not run: set BECKON_XMPP=1 to run them against a local Prosody')
  console.log('(installed from Debian’s archive when missing, which needs root; see .ci/run).')
  process.exit(0)
}
const result = spawnSync('npx', ['vitest', 'run', '--config', 'test/xmpp/vitest.config.ts'], { stdio: 'inherit' })
process.exit(result.status ?? 1)
