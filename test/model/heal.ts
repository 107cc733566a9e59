/**
 * The end of a run: reconnect everyone, (in a lossy run) check liveness at each invitation's
 * deadline + 10 s with everything still held, then release the network, deliver everything and
 * let every deadline and its grace pass, so the final laws read settled views.
 *
 * @module
 */
import { defaultLimits, expiryGraceMs } from '@beckon/core'
import { expect } from 'vitest'
import { expectLiveness } from './laws.js'
import { deviceNames, type Model } from './model.js'
import type { World } from './world.js'

/** Time left after the last deadline + 10 s for what that deadline set off to arrive. */
const MARGIN_MS = 15_000

const advanceTo = async (world: World, at: number): Promise<void> => {
  if (at > world.now()) await world.im.clock.advance(at - world.now())
  await world.flush()
}

export const heal = async (world: World, model: Model): Promise<void> => {
  for (const name of deviceNames) {
    if (model.connected.has(name)) continue
    world.device(name).transport.connect()
    model.connected.add(name)
  }
  await world.flush()
  world.record('heal: everyone reconnected')
  expectLiveness(world, model)

  // In a lossy run, law 2 is checked at each deadline + 10 s with everything still in flight
  // treated as lost too. A lossless run delivers first: passing the deadlines with answers held
  // would let the inviter's timeout (rank 1) outrank them and hide how the races were decided.
  const deadlines = model.invitations.filter((i) => i.timeout > 0).map((i) => i.takenAt + i.timeout * 1000 + expiryGraceMs)
  if (model.lossy) {
    for (const at of deadlines.sort((a, b) => a - b)) {
      await advanceTo(world, at)
      expectLiveness(world, model)
    }
  }

  world.im.release()
  await world.flush()
  world.record('heal: network released')
  await advanceTo(world, Math.max(world.now(), ...deadlines) + MARGIN_MS)
  world.record('heal: every deadline passed')
  expect(world.im.inFlight()).toEqual([])
  // The run stays inside the retention, so the laws read every invitation's tombstone.
  expect(world.now() - world.start).toBeLessThan(defaultLimits.retentionMs)
}
