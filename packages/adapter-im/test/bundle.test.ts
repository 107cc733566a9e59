/**
 * The adapter in a browser bundle: esbuild, targeting browsers, must bundle `@beckon/adapter-im`
 * with no Node built-in left in it (`@xmpp/client`'s DNS and TCP parts are Node-only).
 */
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'

const bundle = (conditions: string[]) =>
  build({
    stdin: { contents: "import { connectXmpp } from '@beckon/adapter-im'; globalThis.connectXmpp = connectXmpp", resolveDir: import.meta.dirname, loader: 'ts' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    conditions,
    write: false,
    logLevel: 'silent',
  })

describe('the XMPP adapter in a browser bundle', () => {
  it('bundles for browsers with no Node built-in, and takes only WebSocket services there', async () => {
    const result = await bundle(['source'])
    expect(result.errors).toEqual([])
    const code = result.outputFiles[0]!.text
    expect(code).not.toMatch(/from\s*["']node:|require\(["'](node:)?(dns|net|tls)["']\)/)
    expect(code).toContain('browsers connect over WebSocket')
  })
})
