/**
 * Command line for the test ejabberd (one node, or a cluster with `--nodes 2`):
 *
 * ```sh
 * npm run ejabberd -- install
 * npm run ejabberd -- start [--fresh] [--nodes 2]       # a fresh start joins the nodes in a cluster
 * npm run ejabberd -- stop | status [--nodes 2]
 * npm run ejabberd -- stop-node 2 | start-node 2 [--nodes 2]
 * npm run ejabberd -- ctl <node> <ejabberdctl args...>  # e.g. ctl 1 list_cluster
 * npm run ejabberd -- run [--nodes 2] -- <command...>   # fresh start, run, always stop; the command's exit code
 * ```
 *
 * Ports and directories follow `BECKON_XMPP_PORT` and the other settings of deployment.ts; `run`
 * exports `BECKON_XMPP=1`, `BECKON_XMPP_SERVER=ejabberd` and the node count to the command, which
 * is what points the tests in `test/xmpp/` at these nodes.
 *
 * @module
 */
import { spawnSync } from 'node:child_process'
import { parseArgs } from 'node:util'
import { ejabberdServer } from '../xmpp/testServer.js'
import { deploymentFromEnv, nodesOf } from './deployment.js'
import { ensureInstalled } from './install.js'
import { ctl, isRunning } from './node.js'

const USAGE = 'usage: cli.ts install | start [--fresh] | stop | status | stop-node <n> | start-node <n> | ctl <n> <args...> | run -- <command...>   (each with [--nodes N])'

const main = async (argv: readonly string[]): Promise<number> => {
  const separator = argv.indexOf('--')
  const own = separator >= 0 ? argv.slice(0, separator) : argv
  const { values, positionals } = parseArgs({ args: [...own], options: { fresh: { type: 'boolean' }, nodes: { type: 'string' } }, allowPositionals: true, strict: false })
  const env = { ...process.env, ...(typeof values.nodes === 'string' ? { BECKON_XMPP_NODES: values.nodes } : {}) }
  const server = ejabberdServer(env)
  const deployment = deploymentFromEnv(env)
  const [command, arg, ...rest] = positionals
  const node = (): number => {
    const index = Number(arg)
    if (!Number.isInteger(index) || index < 1 || index > deployment.nodeCount) throw new Error(`no node ${arg}: nodes are 1 to ${deployment.nodeCount}`)
    return index
  }
  switch (command) {
    case 'install': {
      const began = Date.now()
      ensureInstalled()
      console.log(`ejabberd installed (${Date.now() - began} ms)`)
      return 0
    }
    case 'start': {
      const began = Date.now()
      await server.start({ fresh: values.fresh === true })
      console.log(`${server.label} answering on 127.0.0.1:${server.ports.join(', ')} after ${Date.now() - began} ms (${deployment.root})`)
      return 0
    }
    case 'stop':
      await server.stop()
      return 0
    case 'status':
      for (const s of nodesOf(deployment)) console.log(`${s.node} on 127.0.0.1:${s.port}: ${isRunning(s) ? 'running' : 'stopped'}`)
      return server.isRunning() ? 0 : 1
    case 'stop-node':
      await server.stopNode(node())
      return 0
    case 'start-node':
      await server.startNode(node())
      return 0
    case 'ctl':
      process.stdout.write(await ctl(nodesOf(deployment)[node() - 1]!, rest))
      return 0
    case 'run': {
      const [program, ...args] = separator >= 0 ? argv.slice(separator + 1) : []
      if (program === undefined) throw new Error('usage: run -- <command...>')
      await server.start({ fresh: true })
      try {
        const childEnv = { ...env, BECKON_XMPP: '1', BECKON_XMPP_SERVER: 'ejabberd', BECKON_XMPP_NODES: String(deployment.nodeCount) }
        return spawnSync(program, args, { stdio: 'inherit', env: childEnv }).status ?? 1
      } finally {
        await server.stop()
      }
    }
    default:
      console.error(USAGE)
      return 2
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  },
)
