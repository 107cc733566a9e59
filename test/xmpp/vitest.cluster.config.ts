import { defineConfig } from 'vitest/config'
import base from './vitest.config.js'

// A two-node ejabberd cluster on loopback (scripts/ejabberd), the devices of every test spread
// over both nodes: the contract suite, the seed scenarios, one node stopped and started again
// while a group invitation rings, and the load test at a size that keeps the run to a few minutes.
// The global setup and the workers read the choice from the environment, set here first.
process.env['BECKON_XMPP_SERVER'] ??= 'ejabberd'
process.env['BECKON_XMPP_NODES'] ??= '2'
process.env['BECKON_LOAD_INVITATIONS'] ??= '1000'

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/xmpp/{contract,scenarios,cluster,load}.test.ts'],
    env: {
      ...base.test?.env,
      BECKON_XMPP_SERVER: process.env['BECKON_XMPP_SERVER'],
      BECKON_XMPP_NODES: process.env['BECKON_XMPP_NODES'],
      BECKON_LOAD_INVITATIONS: process.env['BECKON_LOAD_INVITATIONS'],
    },
  },
})
