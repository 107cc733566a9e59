import { defineConfig } from 'vitest/config'
import base from './vitest.config.js'

// The same XMPP suites against one ejabberd node (scripts/ejabberd). The global setup and the
// workers read the choice from the environment, set here before either starts.
process.env['BECKON_XMPP_SERVER'] ??= 'ejabberd'

export default defineConfig({ ...base, test: { ...base.test, env: { ...base.test?.env, BECKON_XMPP_SERVER: process.env['BECKON_XMPP_SERVER'] } } })
