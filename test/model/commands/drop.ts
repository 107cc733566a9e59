/**
 * The network loses one in-flight delivery for good. Only in lossy runs: a run that drops nothing
 * is held to convergence (law 1), a lossy one to liveness (law 2) only.
 */
import fc from 'fast-check'
import { afterCommand } from '../invariants.js'
import { pick, type Model } from '../model.js'
import type { World } from '../world.js'
import { index } from './arbitraries.js'
import { describeDelivery } from './inFlight.js'

export class DropCommand implements fc.AsyncCommand<Model, World> {
  constructor(readonly target: number) {}

  check(model: Readonly<Model>): boolean {
    return model.lossy
  }

  async run(model: Model, world: World): Promise<void> {
    const inFlight = world.im.inFlight()
    if (inFlight.length === 0) {
      world.record('drop: nothing in flight')
    } else {
      const delivery = pick(inFlight, this.target)
      world.im.drop(delivery.id)
      model.dropped = true
      world.tally.drops++
      world.record(`drop ${describeDelivery(delivery)}`)
    }
    afterCommand(world, model)
  }

  toString(): string {
    return `drop(delivery #${this.target})`
  }
}

export const dropCommand = index.map((target) => new DropCommand(target))
