/** The network delivers the oldest in-flight delivery to one device (links are FIFO until reordered). */
import fc from 'fast-check'
import { afterCommand } from '../invariants.js'
import { pick, type Model } from '../model.js'
import type { World } from '../world.js'
import { index } from './arbitraries.js'
import { describeDelivery, oldestPerDevice } from './inFlight.js'

export class DeliverCommand implements fc.AsyncCommand<Model, World> {
  constructor(readonly target: number) {}

  check(): boolean {
    return true
  }

  async run(model: Model, world: World): Promise<void> {
    const next = oldestPerDevice(world.im.inFlight())
    if (next.length === 0) {
      world.record('deliver: nothing in flight')
    } else {
      const delivery = pick(next, this.target)
      world.record(`deliver ${describeDelivery(delivery)}`)
      world.im.deliver(delivery.id)
      await world.flush()
    }
    afterCommand(world, model)
  }

  toString(): string {
    return `deliver(device #${this.target})`
  }
}

export const deliverCommand = index.map((target) => new DeliverCommand(target))
