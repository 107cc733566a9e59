import { defineConfig } from 'vitest/config'
import base from './vitest.config.js'

// The same XMPP suites against one ejabberd node (scripts/ejabberd), but for offline push, whose
// push service attaches to Prosody's component port (no ejabberd module is configured for it).
// The global setup and the workers read the choice from the environment, set here first.
process.env['BECKON_XMPP_SERVER'] ??= 'ejabberd'

export default defineConfig({ ...base, test: { ...base.test, exclude: ['**/node_modules/**', 'test/xmpp/push.test.ts'], env: { ...base.test?.env, BECKON_XMPP_SERVER: process.env['BECKON_XMPP_SERVER'] } } })
