/**
 * What holds after every command, not only at the end: law 2 (liveness) at the current time.
 *
 * @module
 */
import { expect } from 'vitest'
import { expectLiveness } from './laws.js'
import type { Model } from './model.js'
import type { World } from './world.js'

/**
 * Counts the command and checks that nothing is undecided past its deadline + 10 s, and that every
 * device's snapshot for UIs (`getSnapshot`, which remakes only the views whose invitation changed)
 * shows what `listInvitations` makes afresh.
 */
export const afterCommand = (world: World, model: Readonly<Model>): void => {
  world.tally.commands++
  expectLiveness(world, model)
  for (const device of world.devices.values()) {
    const shown = device.signaling.getSnapshot().invitations
    const fresh = device.signaling.listInvitations()
    // Compared as JSON first: a deep `toEqual` per device per command doubled the suite's time.
    if (JSON.stringify(shown) !== JSON.stringify(fresh)) expect(shown, device.name).toEqual(fresh)
  }
}
