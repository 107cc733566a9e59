/**
 * Let virtual time pass on the IM clock: a little (answers race), a few seconds, or long enough
 * to pass deadlines. Timers fire; what devices send stays in flight (manual mode).
 */
import fc from 'fast-check'
import { afterCommand } from '../invariants.js'
import type { Model } from '../model.js'
import type { World } from '../world.js'

/**
 * Virtual time the commands may spend in one run. The heal adds at most a minute, and the whole
 * run stays well inside the engine's 10-minute retention, so no message is too old to count and
 * no tombstone is removed before the laws read it.
 */
export const ADVANCE_BUDGET_MS = 4 * 60_000

export class AdvanceClockCommand implements fc.AsyncCommand<Model, World> {
  constructor(readonly ms: number) {}

  check(model: Readonly<Model>): boolean {
    return model.elapsedMs + this.ms <= ADVANCE_BUDGET_MS
  }

  async run(model: Model, world: World): Promise<void> {
    await world.im.clock.advance(this.ms)
    await world.flush()
    model.elapsedMs += this.ms
    world.record(`${this}`)
    afterCommand(world, model)
  }

  toString(): string {
    return `advance(${this.ms} ms)`
  }
}

export const advanceClockCommand = fc
  .oneof(
    { arbitrary: fc.integer({ min: 0, max: 2_000 }), weight: 3 },
    { arbitrary: fc.integer({ min: 2_000, max: 12_000 }), weight: 2 },
    { arbitrary: fc.integer({ min: 12_000, max: 35_000 }), weight: 1 },
  )
  .map((ms) => new AdvanceClockCommand(ms))
