import { defineConfig, mergeConfig } from 'vitest/config'
import base from './vitest.config.js'

// The same XMPP suites against ejabberd (scripts/ejabberd): one node, or with
// BECKON_XMPP_NODES=2 a two-node cluster whose nodes the devices are spread over. The global
// setup and the workers read the choice from the environment, set here before either starts.
process.env['BECKON_XMPP_SERVER'] ??= 'ejabberd'

export default mergeConfig(base, defineConfig({ test: { env: { BECKON_XMPP_SERVER: process.env['BECKON_XMPP_SERVER'] } } }))
