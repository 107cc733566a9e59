/** The network duplicates one in-flight delivery: both copies will arrive (SPEC §3 "Delivery faults"). */
import fc from 'fast-check'
import { afterCommand } from '../invariants.js'
import { pick, type Model } from '../model.js'
import type { World } from '../world.js'
import { index } from './arbitraries.js'
import { describeDelivery } from './inFlight.js'

export class DuplicateCommand implements fc.AsyncCommand<Model, World> {
  constructor(readonly target: number) {}

  check(): boolean {
    return true
  }

  async run(model: Model, world: World): Promise<void> {
    const inFlight = world.im.inFlight()
    if (inFlight.length === 0) {
      world.record('duplicate: nothing in flight')
    } else {
      const delivery = pick(inFlight, this.target)
      const copy = world.im.duplicate(delivery.id)
      world.tally.duplicates++
      world.record(`duplicate ${describeDelivery(delivery)} as ${copy}`)
    }
    afterCommand(world, model)
  }

  toString(): string {
    return `duplicate(delivery #${this.target})`
  }
}

export const duplicateCommand = index.map((target) => new DuplicateCommand(target))
