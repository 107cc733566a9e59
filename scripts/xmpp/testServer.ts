/**
 * The real XMPP server the integration tests, the load test and the benches run against, chosen
 * with `BECKON_XMPP_SERVER`: `prosody` (the default; scripts/prosody) or `ejabberd`
 * (scripts/ejabberd; `BECKON_XMPP_NODES=2` for a two-node cluster). Either way the server runs on
 * 127.0.0.1 from the project's own configuration, is installed from Debian's archive when
 * missing, and is started and stopped by whoever uses it.
 *
 * @module
 */
import { spawnSync } from 'node:child_process'
import * as ejabberd from '../ejabberd/deployment.js'
import { ensureInstalled as installEjabberd } from '../ejabberd/install.js'
import { packageVersion, startNode, stopNode } from '../ejabberd/node.js'
import { registerInBulk } from '../prosody/accounts.js'
import * as prosody from '../prosody/server.js'

/** The password of every test account. */
export const TEST_PASSWORD = prosody.TEST_PASSWORD

/** The accounts a fresh server has. */
export const TEST_USERS = prosody.TEST_USERS

export type ServerKind = 'prosody' | 'ejabberd'

/** A loopback XMPP server (one node or a cluster) under the tests' control. */
export interface TestServer {
  readonly kind: ServerKind
  /** What it is, for reports: `Prosody 0.12.3-1`, `ejabberd 23.01-1, 2 nodes`. */
  readonly label: string
  readonly domain: string
  readonly mucDomain: string
  /** The c2s port of every node on 127.0.0.1, first node first. */
  readonly ports: readonly number[]
  /** Install from Debian's archive if missing (needs root). */
  ensureInstalled(): void
  /** Start every node that is down; `fresh`: wipe all data first and create {@link TEST_USERS}. */
  start(options?: { fresh?: boolean }): Promise<void>
  /** Stop every node. */
  stop(): Promise<void>
  /** Does every node run? */
  isRunning(): boolean
  /** Create accounts (or reset their password; default {@link TEST_PASSWORD}), without blocking the event loop. */
  registerAccounts(accounts: readonly string[], password?: string): Promise<void>
  /** Stop one node (1-based), leaving the others serving. */
  stopNode(index: number): Promise<void>
  /** Start one node again; resolves once it answers (and, in a cluster, has caught up). */
  startNode(index: number): Promise<void>
}

const dpkgVersion = (pkg: string): string => {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' })
  return result.status === 0 ? result.stdout.trim() : 'unknown version'
}

/** Prosody from scripts/prosody: one node. */
export const prosodyServer = (env: NodeJS.ProcessEnv = process.env): TestServer => {
  const s = prosody.settingsFromEnv(env)
  const only = (index: number): void => {
    if (index !== 1) throw new Error(`Prosody runs one node; there is no node ${index}`)
  }
  return {
    kind: 'prosody',
    get label() {
      return `Prosody ${dpkgVersion('prosody')}`
    },
    domain: s.domain,
    mucDomain: s.mucDomain,
    ports: [s.port],
    ensureInstalled: prosody.ensureInstalled,
    start: async (options = {}) => void (await prosody.start(s, options)),
    stop: () => prosody.stop(s),
    isRunning: () => prosody.isRunning(s),
    registerAccounts: (accounts, password = TEST_PASSWORD) => registerInBulk(s, accounts, password),
    stopNode: async (index) => {
      only(index)
      await prosody.stop(s)
    },
    startNode: async (index) => {
      only(index)
      await prosody.start(s)
    },
  }
}

/** ejabberd from scripts/ejabberd: `BECKON_XMPP_NODES` nodes (default 1) joined in a cluster. */
export const ejabberdServer = (env: NodeJS.ProcessEnv = process.env): TestServer => {
  const d = ejabberd.deploymentFromEnv(env)
  const node = (index: number) => {
    const found = ejabberd.nodesOf(d)[index - 1]
    if (found === undefined) throw new Error(`this ejabberd deployment has ${d.nodeCount} nodes; there is no node ${index}`)
    return found
  }
  return {
    kind: 'ejabberd',
    get label() {
      return `ejabberd ${packageVersion()}, ${d.nodeCount === 1 ? 'one node' : `${d.nodeCount} nodes in a cluster`}`
    },
    domain: d.domain,
    mucDomain: `conference.${d.domain}`,
    ports: Array.from({ length: d.nodeCount }, (_, i) => d.basePort + i),
    ensureInstalled: installEjabberd,
    start: async (options = {}) => {
      installEjabberd()
      await ejabberd.startDeployment(d, options)
      if (options.fresh === true) await ejabberd.registerOn(d, TEST_USERS, TEST_PASSWORD)
    },
    stop: () => ejabberd.stopDeployment(d),
    isRunning: () => ejabberd.deploymentRunning(d),
    registerAccounts: (accounts, password = TEST_PASSWORD) => ejabberd.registerOn(d, accounts, password),
    stopNode: (index) => stopNode(node(index)),
    startNode: async (index) => void (await startNode(node(index))),
  }
}

/** The server `BECKON_XMPP_SERVER` names (default Prosody). */
export const serverFromEnv = (env: NodeJS.ProcessEnv = process.env): TestServer => {
  const kind = env['BECKON_XMPP_SERVER'] ?? 'prosody'
  if (kind === 'prosody') return prosodyServer(env)
  if (kind === 'ejabberd') return ejabberdServer(env)
  throw new Error(`BECKON_XMPP_SERVER must be prosody or ejabberd: ${kind}`)
}
