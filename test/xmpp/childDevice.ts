/**
 * The parent's side of a device running as a process of its own (`deviceProcess.ts`): start it,
 * read what it hears, ask it to answer, kill it as a crash would.
 *
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { DeviceConfig } from './deviceProcess.js'
import type { Callback, Heard } from './stage.js'
import { until } from './support.js'

const script = fileURLToPath(new URL('./deviceProcess.ts', import.meta.url))

type Line = { kind: 'state'; state: string } | ({ kind: 'heard' } & Omit<Heard, 'at' | 'serverAt'>) | { kind: 'done'; id: number; error?: unknown } | { kind: 'error'; error: string }

export class ChildDevice {
  readonly heard: Omit<Heard, 'at' | 'serverAt'>[] = []
  readonly states: string[] = []
  readonly errors: string[] = []
  readonly #done = new Map<number, unknown>()
  #commands = 0
  #exited = false

  private constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (text) => this.#read(JSON.parse(text) as Line))
    child.once('exit', () => (this.#exited = true))
  }

  /** Start the device process (through tsx, on the packages' sources); resolves once it has caught up. */
  static async start(config: DeviceConfig): Promise<ChildDevice> {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', script, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'inherit'] })
    const device = new ChildDevice(child)
    await until(() => device.states.includes('connected') || device.#exited, 'the device process to connect', 30_000)
    if (device.#exited) throw new Error('the device process exited before it connected')
    return device
  }

  heardOf(event: Callback, inviteID: string): Omit<Heard, 'at' | 'serverAt'>[] {
    return this.heard.filter((h) => h.event === event && h.inviteID === inviteID)
  }

  /** Accept or reject in the device process; resolves with the Tencent code it failed with, or undefined. */
  async answer(op: 'accept' | 'reject', inviteID: string, data: string): Promise<unknown> {
    const id = ++this.#commands
    this.child.stdin!.write(`${JSON.stringify({ id, op, inviteID, data })}\n`)
    await until(() => this.#done.has(id), `the device process to ${op}`)
    return this.#done.get(id)
  }

  /** Kill the process with `signal`; resolves once it is gone. */
  async kill(signal: NodeJS.Signals): Promise<void> {
    if (!this.#exited) this.child.kill(signal)
    await until(() => this.#exited, 'the device process to exit')
  }

  #read(line: Line): void {
    if (line.kind === 'state') this.states.push(line.state)
    else if (line.kind === 'heard') this.heard.push({ event: line.event, inviteID: line.inviteID, who: line.who, list: line.list, data: line.data })
    else if (line.kind === 'done') this.#done.set(line.id, line.error)
    else this.errors.push(line.error)
  }
}
