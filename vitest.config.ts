import { defineConfig } from 'vitest/config'

// Tests run against the packages' TypeScript sources through the `source` export condition,
// so no build step sits between an edit and a test run.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
  },
})
