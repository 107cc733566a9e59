/**
 * Command line for the test Prosody:
 *
 * ```sh
 * npx tsx scripts/prosody/cli.ts install | start [--fresh] | stop | restart | status
 * npx tsx scripts/prosody/cli.ts run -- <command...>   # fresh start, run, always stop; exits with the command's code
 * ```
 *
 * `run` exports `BECKON_XMPP=1` (and the port and domain) to the command, which is what enables
 * the tests in `test/xmpp/`.
 *
 * @module
 */
import { spawnSync } from 'node:child_process'
import { ensureInstalled, isRunning, restart, settingsFromEnv, start, stop } from './server.js'

const main = async (argv: readonly string[]): Promise<number> => {
  const settings = settingsFromEnv()
  const [command, ...rest] = argv
  switch (command) {
    case 'install': {
      const began = Date.now()
      ensureInstalled()
      console.log(`prosody installed (${Date.now() - began} ms)`)
      return 0
    }
    case 'start': {
      const pid = await start(settings, { fresh: rest.includes('--fresh') })
      console.log(`prosody running (pid ${pid}) on 127.0.0.1:${settings.port}, domain ${settings.domain}, config in ${settings.dir}`)
      return 0
    }
    case 'stop':
      await stop(settings)
      return 0
    case 'restart':
      await restart(settings)
      return 0
    case 'status':
      console.log(isRunning(settings) ? 'running' : 'stopped')
      return isRunning(settings) ? 0 : 1
    case 'run': {
      const separator = rest.indexOf('--')
      const [program, ...args] = separator >= 0 ? rest.slice(separator + 1) : rest
      if (program === undefined) throw new Error('usage: run -- <command...>')
      await start(settings, { fresh: true })
      try {
        const env = { ...process.env, BECKON_XMPP: '1', BECKON_XMPP_PORT: String(settings.port), BECKON_XMPP_DOMAIN: settings.domain }
        const result = spawnSync(program, args, { stdio: 'inherit', env })
        return result.status ?? 1
      } finally {
        await stop(settings)
      }
    }
    default:
      console.error('usage: cli.ts install | start [--fresh] | stop | restart | status | run -- <command...>')
      return 2
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  },
)
