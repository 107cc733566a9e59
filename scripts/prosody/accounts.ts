/**
 * Registering many accounts on a running Prosody at once. `prosodyctl register` starts a Lua
 * process per account (~85 ms each, most of it start-up), so 10,000 accounts took minutes; here one
 * `prosodyctl shell` call hands the server a file of names, and the server creates them all in
 * one go through its own user manager (mod_admin_shell over the admin socket in the data
 * directory, which the configuration enables). Registering an existing account resets its
 * password, as `prosodyctl register` does.
 *
 * @module
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { configPath, type ProsodySettings } from './config.js'

const execFileAsync = promisify(execFile)

/** The Lua the server runs: each line of the file is an account, the first one the password. */
const createFromFile = (file: string, domain: string): string =>
  `>(function()
  local usermanager, nodeprep = require "core.usermanager", require "util.encodings".stringprep.nodeprep
  local lines = io.lines(${JSON.stringify(file)})
  local password, created = lines(), 0
  for name in lines do
    local user = assert(nodeprep(name), "not a valid account name: " .. name)
    assert(usermanager.create_user(user, password, ${JSON.stringify(domain)}))
    created = created + 1
  end
  return created
end)()`.replace(/\n\s*/g, ' ')

/**
 * Create `accounts` (or reset their password) on the running server, without blocking the event
 * loop. Names must be valid XMPP local parts without line breaks.
 */
export const registerInBulk = async (s: ProsodySettings, accounts: readonly string[], password: string): Promise<void> => {
  if (accounts.length === 0) return
  if ([password, ...accounts].some((line) => /[\r\n]/.test(line))) throw new Error('account names and passwords cannot hold line breaks')
  const dir = mkdtempSync(join(tmpdir(), 'beckon-accounts-'))
  const file = join(dir, 'accounts')
  writeFileSync(file, `${[password, ...accounts].join('\n')}\n`, { mode: 0o600 })
  try {
    const { stdout } = await execFileAsync('prosodyctl', ['--config', configPath(s), 'shell', createFromFile(file, s.domain)], { maxBuffer: 1024 * 1024 })
    const created = /Result: (\d+)/.exec(stdout)?.[1]
    if (Number(created) !== accounts.length) throw new Error(`Prosody created ${created ?? 'no'} of ${accounts.length} accounts: ${stdout.trim().slice(0, 300)}`)
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr
    throw new Error(`registering ${accounts.length} accounts on Prosody failed: ${stderr?.trim() || String(error)}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
