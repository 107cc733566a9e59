import { defineConfig } from 'vitest/config'

// Tests run against the packages' TypeScript sources through the `source` export condition,
// so no build step sits between an edit and a test run.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts', 'test/**/*.test.tsx'],
    // The XMPP suites need a Prosody: they run under test/xmpp/vitest.config.ts (npm test does so
    // when BECKON_XMPP=1), which starts and stops it.
    exclude: ['test/xmpp/**', '**/node_modules/**'],
    testTimeout: 60_000,
  },
})
