/**
 * Installing ejabberd from Debian's archive. The package registers a system service and may start
 * it; the tests never use it (they run nodes of their own, see node.ts), so it is stopped and
 * disabled, leaving nothing listening but what a test run starts.
 *
 * @module
 */
import { existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'

const run = (command: string, args: readonly string[]): void => {
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed with ${result.status ?? result.signal}`)
}

const quietly = (command: string, args: readonly string[]): void => {
  spawnSync(command, args, { stdio: 'ignore' })
}

export const hasEjabberd = (): boolean => existsSync('/usr/sbin/ejabberdctl') && spawnSync('sh', ['-c', 'command -v erl'], { stdio: 'ignore' }).status === 0

/** Install ejabberd unless it is there (about 30 s with `apt-get update`); keep its service stopped. */
export const ensureInstalled = (): void => {
  if (hasEjabberd()) return
  run('apt-get', ['update', '-qq'])
  run('apt-get', ['install', '-y', '-q', 'ejabberd'])
  quietly('systemctl', ['disable', '--now', 'ejabberd'])
  quietly('ejabberdctl', ['stop']) // started without systemd, by the package's own scripts
}
