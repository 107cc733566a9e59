/**
 * What invite and inviteInGroup share once the command is sent: it resolves when the device is
 * connected (6014 when not), the device then holds the invitation with every invitee pending,
 * and the model learns of it.
 *
 * @module
 */
import { expect } from 'vitest'
import { afterCommand } from '../invariants.js'
import { userOf, type DeviceName, type Model, type User } from '../model.js'
import { expectSettled } from '../postconditions.js'
import type { World } from '../world.js'

/** The invite's parameters both commands have. */
export interface Inviting {
  readonly device: DeviceName
  readonly timeout: number
  readonly onlineUserOnly: boolean
}

/** Settles `promise` (the invite `what` sent to `invitees`, `groupID` `''` for 1:1) and checks it; `shown` is how the journal names it. */
export const expectInvited = async (model: Model, world: World, c: Inviting, invitees: readonly User[], groupID: string, promise: Promise<string>, what: string, shown = what): Promise<void> => {
  const connected = model.connected.has(c.device)
  const settled = await world.settle(what, promise)
  expectSettled(what, settled, connected ? 'resolved' : 6014)
  if (settled.kind === 'resolved') {
    const view = world.device(c.device).signaling.getInvitation(settled.value)
    expect({ states: view?.invitees.map((i) => i.state), onlineUserOnly: view?.onlineUserOnly }).toEqual({ states: invitees.map(() => 'pending'), onlineUserOnly: c.onlineUserOnly })
    const inviter = userOf(c.device)
    model.invitations.push({ inviteID: settled.value, inviter, inviterDevice: c.device, invitees: [...invitees], groupID, timeout: c.timeout, onlineUserOnly: c.onlineUserOnly, takenAt: view!.serverTime })
    world.tally.invitations++
  }
  world.record(`${shown} -> ${settled.kind === 'resolved' ? settled.value : JSON.stringify(settled)}`)
  afterCommand(world, model)
}
