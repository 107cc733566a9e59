import { defineConfig } from 'vitest/config'

// The XMPP integration tests share one real server, and one of them restarts it: files run one at
// a time, against the Prosody that the global setup brings up (and stops, unless it was running).
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['test/xmpp/**/*.test.ts'],
    globalSetup: ['test/xmpp/globalSetup.ts'],
    fileParallelism: false,
    env: { BECKON_XMPP: '1' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
