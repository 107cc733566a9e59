/**
 * A connected device goes offline: what was in flight to it goes back to its backlog, what is
 * sent to it meanwhile is stored, and its commands fail with 6014 (SPEC §3 "Rules").
 */
import fc from 'fast-check'
import { afterCommand } from '../invariants.js'
import { pick, type Model } from '../model.js'
import type { World } from '../world.js'
import { index } from './arbitraries.js'

export class DisconnectCommand implements fc.AsyncCommand<Model, World> {
  constructor(readonly target: number) {}

  check(model: Readonly<Model>): boolean {
    return model.connected.size > 0
  }

  async run(model: Model, world: World): Promise<void> {
    const name = pick([...model.connected], this.target)
    world.device(name).transport.disconnect()
    await world.flush()
    model.connected.delete(name)
    model.disconnected = true
    world.tally.disconnects++
    world.record(`disconnect ${name}`)
    afterCommand(world, model)
  }

  toString(): string {
    return `disconnect(connected device #${this.target})`
  }
}

export const disconnectCommand = index.map((target) => new DisconnectCommand(target))
