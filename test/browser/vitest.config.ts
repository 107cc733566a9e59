/**
 * The browser demo's end-to-end suite (`npm run test:browser`): it drives the built page in
 * Debian's Chromium and needs that browser, so it runs apart from the in-process suites.
 */
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/browser/**/*.e2e.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
})
