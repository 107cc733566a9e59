/**
 * One ejabberd node on loopback: start it as a child Erlang VM of its own (not through the
 * system service, which Debian's package installs but which stays stopped), stop it, and talk to
 * it the way `ejabberdctl` does — a short-lived hidden Erlang node with the same cookie.
 *
 * `ejabberdctl` itself is not used to start nodes: run as root it switches to the `ejabberd`
 * user, which cannot read a project directory, and it reads one system-wide config. Its command
 * path (`ejabberd_ctl`) is what {@link ctl} calls, so `ctl(s, ['join_cluster', …])` is
 * `ejabberdctl join_cluster …` for this node.
 *
 * @module
 */
import { execFile, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { waitUntilAnswering as prosodyAnswering } from '../prosody/server.js'
import { readLog as readLogAt, runningPid as runningPidIn, stopProcess } from '../xmpp/serverProcess.js'
import { configPath, logPath, pidPath, renderConfig, renderSchema, schemaPath, spoolPath, type EjabberdSettings } from './config.js'

const execFileAsync = promisify(execFile)

/** Resolve once the node's c2s port answers a stream header (Prosody's probe reads only the port and domain; its other ports are unused). */
export const waitUntilAnswering = (s: EjabberdSettings, timeoutMs: number): Promise<void> => prosodyAnswering({ ...s, componentPort: 0, httpPort: 0 }, timeoutMs)

/** Where Debian's package keeps ejabberd's Erlang applications (what `ejabberdctl` sets). */
const erlLibs = (): string => {
  try {
    const ctl = readFileSync('/usr/sbin/ejabberdctl', 'utf8')
    return /^ERL_LIBS='([^']+)'/m.exec(ctl)?.[1] ?? '/usr/lib/x86_64-linux-gnu'
  } catch {
    return '/usr/lib/x86_64-linux-gnu'
  }
}

/** The first directory under `parent` whose name starts with `prefix` (an OTP application's). */
const appDir = (parent: string, prefix: string): string => {
  const name = readdirSync(parent).find((entry) => entry.startsWith(prefix))
  if (name === undefined) throw new Error(`no ${prefix}* in ${parent}: is ejabberd installed?`)
  return join(parent, name)
}

/** The project's own ejabberd modules (Erlang sources), compiled into the node's `ebin/`. */
const MODULES = join(dirname(fileURLToPath(import.meta.url)), 'modules')

/** Beside the nodes' directories, shared by them and kept across fresh starts (compiled once). */
const ebinPath = (s: EjabberdSettings): string => join(dirname(s.dir), 'ebin')

/** Compile the project's modules for this node unless their beam files are newer than the sources. */
const compileModules = (s: EjabberdSettings): void => {
  mkdirSync(ebinPath(s), { recursive: true })
  const ejabberdApp = appDir(erlLibs(), 'ejabberd-')
  for (const source of readdirSync(MODULES).filter((name) => name.endsWith('.erl'))) {
    const beam = join(ebinPath(s), source.replace(/\.erl$/, '.beam'))
    if (existsSync(beam) && statSync(beam).mtimeMs > statSync(join(MODULES, source)).mtimeMs) continue
    const includes = ['-I', join(appDir('/usr/lib/erlang/lib', 'p1_xmpp-'), 'include'), '-I', join(ejabberdApp, 'include'), '-pa', join(ejabberdApp, 'ebin')]
    const result = spawnSync('erlc', [...includes, '-o', ebinPath(s), join(MODULES, source)], { encoding: 'utf8' })
    if (result.status !== 0) throw new Error(`compiling ${source} failed: ${result.stdout}${result.stderr}`)
  }
}

/** The environment every Erlang VM of ours runs with: epmd on loopback, ejabberd's libraries. */
const erlangEnv = (s: EjabberdSettings): NodeJS.ProcessEnv => ({
  ...process.env,
  ERL_LIBS: erlLibs(),
  ERL_EPMD_ADDRESS: '127.0.0.1',
  ERL_CRASH_DUMP_BYTES: '0',
  ERL_MAX_PORTS: '32000',
  EJABBERD_CONFIG_PATH: configPath(s),
  EJABBERD_LOG_PATH: logPath(s),
  EJABBERD_MNESIA_SCHEMA: s.dir,
})

/** Distribution on 127.0.0.1, within the settings' port window. */
const distributionArgs = (s: EjabberdSettings): string[] => [
  '-setcookie',
  s.cookie,
  '-kernel',
  'inet_dist_use_interface',
  '{127,0,0,1}',
  'inet_dist_listen_min',
  String(s.distPorts[0]),
  'inet_dist_listen_max',
  String(s.distPorts[1]),
]

/** The pid of this node's VM, if it runs. */
export const runningPid = (s: EjabberdSettings): number | undefined => runningPidIn(pidPath(s))

export const isRunning = (s: EjabberdSettings): boolean => runningPid(s) !== undefined

const readLog = (s: EjabberdSettings): string => readLogAt(logPath(s))

/** Options for {@link startNode}. */
export interface StartNodeOptions {
  /** Wipe the node's Mnesia spool first (accounts, archives, rooms, cluster membership). */
  readonly fresh?: boolean
  /** How long to wait for the c2s port to answer. */
  readonly timeoutMs?: number
}

/**
 * Start the node unless it runs; resolves once its c2s port answers a stream header. Returns the
 * VM's pid. About 1.5 s on an idle machine, a few seconds on a loaded one.
 */
export const startNode = async (s: EjabberdSettings, options: StartNodeOptions = {}): Promise<number> => {
  const running = runningPid(s)
  if (running !== undefined && !options.fresh) return running
  if (running !== undefined) await stopNode(s)
  if (options.fresh) rmSync(spoolPath(s), { recursive: true, force: true })
  mkdirSync(spoolPath(s), { recursive: true })
  writeFileSync(configPath(s), renderConfig(s))
  writeFileSync(schemaPath(s), renderSchema())
  compileModules(s)
  const out = openSync(join(s.dir, 'ejabberd.out'), 'a')
  const args = ['-sname', s.node, ...distributionArgs(s), '+K', 'true', '+P', '250000', '-noinput', '-pa', ebinPath(s), '-mnesia', 'dir', JSON.stringify(spoolPath(s)), '-s', 'ejabberd']
  const child = spawn('erl', args, { cwd: s.dir, detached: true, stdio: ['ignore', out, out], env: erlangEnv(s) })
  child.unref()
  if (child.pid === undefined) throw new Error('could not spawn erl for ejabberd')
  writeFileSync(pidPath(s), `${child.pid}\n`)
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`ejabberd node ${s.node} exited (${code}) before answering; see ${logPath(s)}:\n${readLog(s).slice(-2000)}`))),
  )
  exited.catch(() => undefined)
  try {
    await Promise.race([waitUntilAnswering(s, options.timeoutMs ?? 60_000), exited])
  } catch (error) {
    await stopNode(s)
    throw error instanceof Error && error.message.startsWith('Prosody') ? new Error(`ejabberd ${s.node} did not answer on 127.0.0.1:${s.port}; see ${logPath(s)}`) : error
  }
  if (readLog(s).includes(`Failed to open socket at 127.0.0.1:${s.port}`)) {
    await stopNode(s)
    throw new Error(`port ${s.port} on 127.0.0.1 is taken by another program; choose another with BECKON_XMPP_PORT`)
  }
  return child.pid
}

/** Stop the node if it runs (SIGTERM is an orderly `init:stop()`; SIGKILL after 10 s). */
export const stopNode = (s: EjabberdSettings): Promise<void> => stopProcess(pidPath(s), 10_000)

const hiddenNodeArgs = (s: EjabberdSettings): string[] => ['-sname', `ctl${process.pid}x${Math.floor(Math.random() * 1e9)}@localhost`, '-hidden', '-noinput', ...distributionArgs(s)]

/** `ejabberdctl <args>` for this node; resolves with its output, rejects on a non-zero exit. */
export const ctl = async (s: EjabberdSettings, args: readonly string[]): Promise<string> => {
  const { stdout } = await execFileAsync('erl', [...hiddenNodeArgs(s), '-s', 'ejabberd_ctl', '-extra', s.node, ...args], { env: erlangEnv(s) })
  return stdout
}

const erlBinary = (text: string): string => `<<${JSON.stringify(text)}/utf8>>`

/**
 * Create accounts (or reset their password), many in one round: each {@link ctl} call boots an
 * Erlang VM (~1 s), so this evaluates one batch of `ejabberd_auth` calls on the node instead.
 */
export const registerAccounts = async (s: EjabberdSettings, accounts: readonly string[], password: string): Promise<void> => {
  if (accounts.length === 0) return
  const users = accounts.map(erlBinary).join(',')
  const script = [
    `N = '${s.node}', H = ${erlBinary(s.domain)}, P = ${erlBinary(password)},`,
    `R = [case rpc:call(N, ejabberd_auth, try_register, [U, H, P]) of ok -> ok; {error, exists} -> rpc:call(N, ejabberd_auth, set_password, [U, H, P]); E -> {U, E} end || U <- [${users}]],`,
    `Bad = [X || X <- R, X =/= ok],`,
    `case Bad of [] -> halt(0); _ -> io:format("~p~n", [Bad]), halt(1) end.`,
  ].join(' ')
  try {
    await execFileAsync('erl', [...hiddenNodeArgs(s), '-eval', script], { env: erlangEnv(s) })
  } catch (error) {
    const out = (error as { stdout?: string }).stdout ?? ''
    throw new Error(`registering ${accounts.length} accounts on ${s.node} failed: ${out || String(error)}`)
  }
}

/** `ejabberd` as the package manager has it, e.g. `23.01-1`. */
export const packageVersion = (): string => {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Version}', 'ejabberd'], { encoding: 'utf8' })
  return result.status === 0 ? result.stdout.trim() : 'unknown version'
}
