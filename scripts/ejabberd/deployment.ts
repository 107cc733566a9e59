/**
 * An ejabberd deployment on loopback: one node, or a cluster of several nodes on this machine
 * joined with `ejabberdctl join_cluster`. Every node has its own directory, Erlang node name
 * (`beckon<port>@localhost`) and c2s port (the base port, the next one, …); they share the domain,
 * the Erlang cookie and, once joined, every Mnesia table: accounts, rosters, offline messages,
 * archives and rooms, replicated on every node. So a user may connect to any node, and a node
 * that stops and starts again catches up from the others.
 *
 * Settings come from the environment:
 * - `BECKON_XMPP_PORT` the first node's c2s port (default 15222), node *n* listens on port + n − 1;
 * - `BECKON_XMPP_NODES` how many nodes (default 1);
 * - `BECKON_XMPP_DOMAIN` (default `localhost`);
 * - `BECKON_EJABBERD_DIR` (default `.ejabberd/`): `node1/`, `node2/`, … and the cookie;
 * - `BECKON_EJABBERD_DIST_PORTS` `min-max`, the Erlang distribution's ports (default port + 40 to
 *   port + 49).
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { nodeSettings, type EjabberdSettings } from './config.js'
import { ctl, isRunning, registerAccounts, startNode, stopNode, waitUntilAnswering } from './node.js'

/** The nodes of one deployment, and where it keeps them. */
export interface EjabberdDeployment {
  readonly root: string
  readonly domain: string
  readonly basePort: number
  readonly nodeCount: number
  readonly distPorts: readonly [number, number]
}

const portFrom = (text: string | undefined, fallback: number, name: string): number => {
  const port = Number(text ?? fallback)
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`${name} is not a port: ${text}`)
  return port
}

export const deploymentFromEnv = (env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): EjabberdDeployment => {
  const basePort = portFrom(env['BECKON_XMPP_PORT'], 15222, 'BECKON_XMPP_PORT')
  const nodeCount = Number(env['BECKON_XMPP_NODES'] ?? 1)
  if (!Number.isInteger(nodeCount) || nodeCount < 1 || nodeCount > 9) throw new Error(`BECKON_XMPP_NODES must be 1 to 9: ${env['BECKON_XMPP_NODES']}`)
  const [min, max] = (env['BECKON_EJABBERD_DIST_PORTS'] ?? `${basePort + 40}-${basePort + 49}`).split('-')
  return {
    root: env['BECKON_EJABBERD_DIR'] ?? join(cwd, '.ejabberd'),
    domain: env['BECKON_XMPP_DOMAIN'] ?? 'localhost',
    basePort,
    nodeCount,
    distPorts: [portFrom(min, 0, 'BECKON_EJABBERD_DIST_PORTS'), portFrom(max, 0, 'BECKON_EJABBERD_DIST_PORTS')],
  }
}

const cookiePath = (d: EjabberdDeployment): string => join(d.root, 'cookie')

/** The cluster's shared cookie, made once per fresh start and kept beside the nodes. */
const cookie = (d: EjabberdDeployment, fresh: boolean): string => {
  if (!fresh && existsSync(cookiePath(d))) return readFileSync(cookiePath(d), 'utf8').trim()
  mkdirSync(d.root, { recursive: true })
  const made = `beckon${randomBytes(12).toString('hex')}`
  writeFileSync(cookiePath(d), `${made}\n`, { mode: 0o600 })
  return made
}

/** The settings of every node, first node first. */
export const nodesOf = (d: EjabberdDeployment, fresh = false): EjabberdSettings[] => {
  const shared = { root: d.root, domain: d.domain, cookie: cookie(d, fresh), distPorts: d.distPorts }
  return Array.from({ length: d.nodeCount }, (_, i) => nodeSettings(shared, d.basePort, i + 1))
}

/**
 * Start every node; resolves once all answer. Fresh: wipe every node's data, start the first
 * node, start the others and join each to the first (`join_cluster` restarts ejabberd on the
 * joining node, which then answers again). Not fresh: start whichever nodes are down, together —
 * a node that was part of the cluster rejoins it by itself.
 */
export const startDeployment = async (d: EjabberdDeployment, options: { fresh?: boolean } = {}): Promise<EjabberdSettings[]> => {
  const fresh = options.fresh === true
  if (fresh) {
    await stopDeployment(d)
    // Every node's data goes (startNode wipes its spool); nodes of a bigger earlier cluster too.
    for (const entry of existsSync(d.root) ? readdirSync(d.root) : []) if (/^node\d+$/.test(entry)) rmSync(join(d.root, entry), { recursive: true, force: true })
  }
  const nodes = nodesOf(d, fresh)
  for (const node of nodes) mkdirSync(node.dir, { recursive: true })
  if (!fresh) {
    await Promise.all(nodes.map((node) => startNode(node)))
    return nodes
  }
  const [first, ...others] = nodes
  await Promise.all(nodes.map((node) => startNode(node, { fresh: true })))
  for (const node of others) await joinCluster(node, first!)
  return nodes
}

/** `ejabberdctl join_cluster`: `node` drops its own data and takes the cluster's. */
export const joinCluster = async (node: EjabberdSettings, to: EjabberdSettings): Promise<void> => {
  await ctl(node, ['join_cluster', to.node])
  await waitUntilAnswering(node, 60_000) // ejabberd was restarted on `node`
}

/** Stop every node (together). */
export const stopDeployment = async (d: EjabberdDeployment): Promise<void> => {
  await Promise.all(nodesOf(d).map((node) => stopNode(node)))
}

export const deploymentRunning = (d: EjabberdDeployment): boolean => nodesOf(d).every(isRunning)

/** Create accounts on the first node (the accounts table is replicated on every node). */
export const registerOn = async (d: EjabberdDeployment, accounts: readonly string[], password: string): Promise<void> => {
  const [first] = nodesOf(d)
  await registerAccounts(first!, accounts, password)
}
