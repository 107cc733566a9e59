/**
 * What holds after every command, not only at the end: law 2 (liveness) at the current time.
 *
 * @module
 */
import { expectLiveness } from './laws.js'
import type { Model } from './model.js'
import type { World } from './world.js'

/** Counts the command and checks that nothing is undecided past its deadline + 10 s. */
export const afterCommand = (world: World, model: Readonly<Model>): void => {
  world.tally.commands++
  expectLiveness(world, model)
}
