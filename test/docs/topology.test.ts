/**
 * The README's cluster topology is drawn from the settings the scripts start the nodes with, so
 * the names, ports and device placement it shows are the ones `npm run test:cluster` uses.
 */
import { describe, expect, it } from 'vitest'
import { nodeSettings } from '../../scripts/ejabberd/config.js'
import { clusterTopology } from '../../scripts/ejabberd/topology.js'

describe('the cluster topology diagram', () => {
  it('names every node with the Erlang name, c2s port and directory its settings give', () => {
    const shared = { root: '.ejabberd', domain: 'localhost', cookie: 'c', distPorts: [15440, 15449] as const }
    const diagram = clusterTopology({ basePort: 15400, nodes: 2 })
    for (const index of [1, 2]) {
      const s = nodeSettings(shared, 15400, index)
      expect(diagram).toContain(`ejabberd node ${s.node}<br/>c2s 127.0.0.1:${s.port}`)
      expect(diagram).toContain(`.ejabberd/node${index}/`)
    }
    expect(diagram).toContain('distribution on 15440–15449')
  })

  it('places the devices on alternate nodes, as the tests connect them', () => {
    const lines = clusterTopology({ nodes: 2, devices: ['a/1', 'b/1', 'c/1'] }).split('\n')
    expect(lines.filter((line) => line.includes('-->|XMPP|')).map((line) => line.trim())).toEqual(['d0 -->|XMPP| n0', 'd1 -->|XMPP| n1', 'd2 -->|XMPP| n0'])
  })
})
