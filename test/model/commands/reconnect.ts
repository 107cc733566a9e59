/**
 * An offline device comes back: it catches up on what was stored for it (reliably, even in manual
 * mode) and is `connected` once it has; timers that came due meanwhile are evaluated then.
 */
import fc from 'fast-check'
import { expect } from 'vitest'
import { afterCommand } from '../invariants.js'
import { deviceNames, pick, type Model } from '../model.js'
import type { World } from '../world.js'
import { index } from './arbitraries.js'

export class ReconnectCommand implements fc.AsyncCommand<Model, World> {
  constructor(readonly target: number) {}

  check(model: Readonly<Model>): boolean {
    return model.connected.size < deviceNames.length
  }

  async run(model: Model, world: World): Promise<void> {
    const name = pick(
      deviceNames.filter((d) => !model.connected.has(d)),
      this.target,
    )
    const { transport } = world.device(name)
    transport.connect()
    await world.flush()
    expect({ name, state: transport.connectionState }).toEqual({ name, state: 'connected' })
    model.connected.add(name)
    world.record(`reconnect ${name}`)
    afterCommand(world, model)
  }

  toString(): string {
    return `reconnect(offline device #${this.target})`
  }
}

export const reconnectCommand = index.map((target) => new ReconnectCommand(target))
