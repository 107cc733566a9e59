/** The network delivers a later delivery to a device before an earlier one still in flight to it. */
import fc from 'fast-check'
import { afterCommand } from '../invariants.js'
import { pick, type Model } from '../model.js'
import type { World } from '../world.js'
import { index } from './arbitraries.js'
import { describeDelivery, overtaking } from './inFlight.js'

export class ReorderCommand implements fc.AsyncCommand<Model, World> {
  constructor(readonly target: number) {}

  check(): boolean {
    return true
  }

  async run(model: Model, world: World): Promise<void> {
    const candidates = overtaking(world.im.inFlight())
    if (candidates.length === 0) {
      world.record('reorder: no device has two deliveries in flight')
    } else {
      const delivery = pick(candidates, this.target)
      world.tally.reorders++
      world.record(`reorder: deliver ${describeDelivery(delivery)} before older ones`)
      world.im.deliver(delivery.id)
      await world.flush()
    }
    afterCommand(world, model)
  }

  toString(): string {
    return `reorder(delivery #${this.target})`
  }
}

export const reorderCommand = index.map((target) => new ReorderCommand(target))
