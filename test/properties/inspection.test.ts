/**
 * The inspector's view of a run is the machine's, and the machine agrees with the engine
 * (SPEC §7: the machine is the single source of truth; the engine runs a compiled form of it).
 */
import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import type { InspectionEvent } from 'xstate'
import { mirroredActorID } from '@beckon/core'
import { scenario, start } from './simulation.js'

const runs = Math.ceil(Number(process.env.BECKON_PROPERTY_RUNS ?? 150) / 3)

describe('watching a run in an inspector', () => {
  // Law: with every device watched by an inspector that reads every snapshot, XState's own
  // interpreter of the invitee machine, fed each fact in the order that device's engine applied
  // it, lands in the state the engine reached after every step (no `inspector-mismatch`, whatever
  // races, duplicates, refusals and expiries the run had), and each actor's latest snapshot is that
  // device's final view of the invitee.
  test.prop([fc.oneof(scenario({ lossy: false }), scenario({ lossy: true }))], { numRuns: runs })(
    'every mirrored invitee moves through the machine exactly as the engine does',
    async (s) => {
      const watched = new Map<string, InspectionEvent[]>()
      const run = await start(s, (device) => {
        const events: InspectionEvent[] = []
        watched.set(device, events)
        return {
          next: (event) => {
            events.push(event)
            if (event.type === '@xstate.snapshot') void event.snapshot
          },
        }
      })
      await run.im.clock.advance((s.timeout === 0 ? 20 : s.timeout) * 1000 + 40_000)
      await run.im.settle()
      for (const device of run.devices) {
        expect({ device: device.name, mismatches: device.signaling.diagnosticCounts()['inspector-mismatch'] ?? 0 }).toEqual({ device: device.name, mismatches: 0 })
        const view = device.signaling.getInvitation(run.inviteID)
        const [userID, deviceID] = device.name.split('/') as [string, string]
        for (const invitee of view?.invitees ?? []) {
          const id = mirroredActorID({ userID, deviceID }, run.inviteID, invitee.userID)
          const actor = watched.get(device.name)!.filter((e) => (e.actorRef as { id?: string }).id === id).at(-1)?.actorRef
          const snapshot = actor?.getSnapshot() as { value: unknown; context: { decision: { actionID: string } | null } } | undefined
          expect({ id, state: snapshot?.value }).toEqual({ id, state: invitee.state })
        }
      }
    },
  )
})
