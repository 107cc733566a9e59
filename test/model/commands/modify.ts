/**
 * `modifyInvitation(inviteID, data)` on one of the inviter's devices (SPEC §2, §3 "Rules"):
 * resolves while the invitation is active there and its deadline has not passed, and the device
 * then holds the new data; 8010 otherwise, 6017 for an online-only invitation, 6014 when disconnected.
 */
import fc from 'fast-check'
import { expect } from 'vitest'
import type { Model } from '../model.js'
import { expectedModify, expectSettled } from '../postconditions.js'
import type { World } from '../world.js'
import { device, index } from './arbitraries.js'
import { InviterCommand } from './inviterCommand.js'

export class ModifyCommand extends InviterCommand {
  readonly method = 'modifyInvitation'

  protected async act(model: Model, world: World, inviteID: string, what: string): Promise<unknown> {
    const device = world.device(this.device)
    const expected = expectedModify(model.connected.has(this.device), device.signaling.getInvitation(inviteID), world.now())
    const settled = await world.settle(what, device.signaling.modifyInvitation(inviteID, this.data))
    expectSettled(what, settled, expected)
    if (settled.kind === 'resolved') {
      expect({ what, data: device.signaling.getInvitation(inviteID)?.data }).toEqual({ what, data: this.data })
      model.modifications.set(inviteID, (model.modifications.get(inviteID) ?? 0) + 1)
      model.resolvedModifications.set(inviteID, [...(model.resolvedModifications.get(inviteID) ?? []), { device: this.device, data: this.data, at: world.now() }])
    }
    return settled
  }
}

export const modifyCommand = fc
  .tuple(device, index, fc.constantFrom('ring v2', 'ring v3'))
  .map(([who, target, data]) => new ModifyCommand(who, target, data))
