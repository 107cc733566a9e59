/**
 * The XMPP adapter in a real browser: Debian's Chromium (headless, driven by playwright-core)
 * runs a page bundled for browsers, whose two devices connect to Prosody over WebSocket
 * (`mod_websocket` on its loopback HTTP port) and complete an invite → accept. The test starts
 * its own Prosody (fresh) unless one is running for these settings, and stops what it started.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { websocketService } from '../../scripts/prosody/config.js'
import { isRunning, settingsFromEnv, start, stop, TEST_PASSWORD } from '../../scripts/prosody/server.js'
import type { PageCallInput, PageCallResult } from './xmpp-page.js'

const executablePath = process.env.BECKON_CHROMIUM ?? '/usr/bin/chromium'
const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
const settings = settingsFromEnv()

let browser: Browser | undefined
let tab: Page
let startedProsody = false
let pageDir: string | undefined
const problems: string[] = []

/** The page's script: the adapter's browser entry, as a bundler targeting browsers resolves it. */
const bundlePage = async (): Promise<string> => {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./xmpp-page.ts', import.meta.url))],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    conditions: ['source'],
    write: false,
    logLevel: 'silent',
  })
  return result.outputFiles[0]!.text
}

beforeAll(async () => {
  if (!existsSync(executablePath)) throw new Error(`no browser at ${executablePath}: apt-get install -y chromium (or set BECKON_CHROMIUM)`)
  if (!isRunning(settings)) {
    await start(settings, { fresh: true })
    startedProsody = true
  }
  const script = await bundlePage()
  browser = await chromium.launch({ executablePath, args: flags, headless: true })
  tab = await browser.newPage()
  tab.on('pageerror', (error) => problems.push(error.message))
  // A page from the file system is a secure context (crypto.randomUUID), as an app's https page is.
  pageDir = mkdtempSync(join(tmpdir(), 'beckon-xmpp-page-'))
  const page = join(pageDir, 'index.html')
  writeFileSync(page, `<!doctype html><title>beckon over XMPP in a browser</title><script>${script.replaceAll('</script', '<\\/script')}</script>`)
  await tab.goto(pathToFileURL(page).href)
})

afterAll(async () => {
  await browser?.close()
  if (pageDir !== undefined) rmSync(pageDir, { recursive: true, force: true })
  if (startedProsody) await stop(settings)
})

describe('the XMPP adapter in a browser', () => {
  it('connects two devices over WebSocket and completes an invite → accept', async () => {
    const input: PageCallInput = { service: websocketService(settings), domain: settings.domain, password: TEST_PASSWORD, data: `browser-call-${Date.now().toString(36)}` }
    const result = await tab.evaluate((args) => (globalThis as unknown as { beckonXmppCall: (a: PageCallInput) => Promise<PageCallResult> }).beckonXmppCall(args), input)
    expect(result.rang).toEqual([`${result.inviteID} from alice`])
    expect(result.accepted).toEqual([`${result.inviteID} by bob: picked up in the browser`])
    expect(result.sockets.length).toBeGreaterThanOrEqual(2)
    expect(new Set(result.sockets)).toEqual(new Set([input.service]))
    expect(result.tcpRefusal).toMatch(/option 'service' has the unsupported scheme xmpp:.*browsers connect over WebSocket/)
    expect(problems).toEqual([])
  })
})
