/**
 * `cancel(inviteID, data)` on one of the inviter's devices (SPEC §2, §3 "Rules"): resolves while
 * some invitee is pending there and the deadline has not passed, ending exactly the invitees
 * pending in that device's record and leaving the answered ones alone; 8010 otherwise, 6014 when
 * disconnected.
 */
import fc from 'fast-check'
import { expect } from 'vitest'
import type { Model } from '../model.js'
import { expectedCancel, expectSettled } from '../postconditions.js'
import type { World } from '../world.js'
import { answerData, device, index } from './arbitraries.js'
import { InviterCommand } from './inviterCommand.js'

export class CancelCommand extends InviterCommand {
  readonly method = 'cancel'

  protected async act(model: Model, world: World, inviteID: string, what: string): Promise<unknown> {
    const device = world.device(this.device)
    const before = device.signaling.getInvitation(inviteID)
    const expected = expectedCancel(model.connected.has(this.device), before, world.now())
    const promise = device.signaling.cancel(inviteID, this.data)
    const after = device.signaling.getInvitation(inviteID)
    const settled = await world.settle(what, promise)
    expectSettled(what, settled, expected)
    if (settled.kind === 'resolved') {
      // It ends the invitees pending in its record, not the ones already answered (SPEC §3 "Rules").
      const pending = before?.invitees.filter((i) => i.state === 'pending').map((i) => i.userID) ?? []
      const ended = (after?.invitees ?? []).filter((i) => pending.includes(i.userID))
      expect({ what, ended }).toEqual({ what, ended: ended.map((i) => ({ ...i, state: 'cancelled', data: this.data, deviceID: device.transport.deviceID })) })
      const answered = (view: typeof before) => view?.invitees.filter((i) => !pending.includes(i.userID))
      expect({ what, answered: answered(after) }).toEqual({ what, answered: answered(before) })
      for (const invitee of pending) device.learned.push({ source: 'self', inviteID, invitee, outcome: 'cancelled', data: this.data })
    }
    return settled
  }
}

export const cancelCommand = fc.tuple(device, index, answerData).map(([who, target, data]) => new CancelCommand(who, target, data))
