/**
 * The topology of the test cluster as a Mermaid flowchart, drawn from the very settings the
 * scripts start the nodes with (`npm run diagrams` writes it into the README): the devices, which
 * node each connects to, the nodes' names, ports and directories, and what links the nodes.
 *
 * @module
 */
import { nodeSettings, type EjabberdSettings } from './config.js'

/** Options of the drawing: the defaults are what `npm run test:cluster` starts. */
export interface TopologyOptions {
  readonly basePort?: number
  readonly nodes?: number
  /** Devices by `user/device`, in the order the tests create them (they alternate between nodes). */
  readonly devices?: readonly string[]
}

const DEVICES = ['alice/desk', 'bob/phone', 'bob/laptop', 'carol/phone']

const label = (s: EjabberdSettings): string => `"ejabberd node ${s.node}<br/>c2s 127.0.0.1:${s.port} · SASL PLAIN, no TLS<br/>.ejabberd/${s.dir.split('/').pop()}/ (config, Mnesia spool, log)"`

/** The flowchart's Mermaid source. */
export const clusterTopology = (options: TopologyOptions = {}): string => {
  const basePort = options.basePort ?? 15222
  const shared = { root: '.ejabberd', domain: 'localhost', cookie: '(shared)', distPorts: [basePort + 40, basePort + 49] as const }
  const nodes = Array.from({ length: options.nodes ?? 2 }, (_, i) => nodeSettings(shared, basePort, i + 1))
  const devices = options.devices ?? DEVICES
  const lines = ['flowchart LR', '  subgraph clients["devices: XmppTransport (@beckon/adapter-im)"]']
  devices.forEach((name, i) => lines.push(`    d${i}["${name}"]`))
  lines.push('  end', '  subgraph host["one machine, 127.0.0.1 only"]')
  nodes.forEach((s, i) => lines.push(`    n${i}[${label(s)}]`))
  lines.push(`    epmd["epmd 127.0.0.1:4369<br/>node names → distribution ports"]`, '  end')
  devices.forEach((_, i) => lines.push(`  d${i} -->|XMPP| n${i % nodes.length}`))
  for (let i = 1; i < nodes.length; i++) {
    const [min, max] = nodes[i]!.distPorts
    lines.push(`  n0 <-->|"join_cluster · one Erlang cookie · distribution on ${min}–${max}<br/>Mnesia replicates accounts, rosters, offline messages,<br/>archives (MAM) and rooms (MUC)"| n${i}`)
  }
  nodes.forEach((_, i) => lines.push(`  n${i} -.- epmd`))
  return lines.join('\n')
}
