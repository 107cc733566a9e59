/**
 * `inviteInGroup('g', invitees, data, { timeout })` from one device, inviting some of the other
 * members (SPEC §2): resolves when connected, every invitee pending at the sender; 6014 when not.
 */
import fc from 'fast-check'
import { expect } from 'vitest'
import { afterCommand } from '../invariants.js'
import { groupID, userOf, users, type DeviceName, type Model } from '../model.js'
import { expectSettled } from '../postconditions.js'
import type { World } from '../world.js'
import { device, inviteData, onlineUserOnly, timeout } from './arbitraries.js'

export class InviteInGroupCommand implements fc.AsyncCommand<Model, World> {
  constructor(
    readonly device: DeviceName,
    /** Which other members are invited, one bit each; never empty. */
    readonly members: number,
    readonly data: string,
    readonly timeout: number,
    readonly onlineUserOnly: boolean,
  ) {}

  check(): boolean {
    return true
  }

  async run(model: Model, world: World): Promise<void> {
    const inviter = userOf(this.device)
    const others = users.filter((user) => user !== inviter)
    const invitees = others.filter((_, bit) => (this.members & (1 << bit)) !== 0)
    const connected = model.connected.has(this.device)
    const settled = await world.settle(`${this}`, world.device(this.device).signaling.inviteInGroup(groupID, invitees, this.data, { timeout: this.timeout, onlineUserOnly: this.onlineUserOnly }))
    expectSettled(`${this}`, settled, connected ? 'resolved' : 6014)
    if (settled.kind === 'resolved') {
      const view = world.device(this.device).signaling.getInvitation(settled.value)
      expect({ states: view?.invitees.map((i) => i.state), onlineUserOnly: view?.onlineUserOnly }).toEqual({ states: invitees.map(() => 'pending'), onlineUserOnly: this.onlineUserOnly })
      model.invitations.push({ inviteID: settled.value, inviter, inviterDevice: this.device, invitees, groupID, timeout: this.timeout, onlineUserOnly: this.onlineUserOnly, takenAt: view!.serverTime })
      world.tally.invitations++
    }
    world.record(`${this} [${invitees.join(', ')}] -> ${settled.kind === 'resolved' ? settled.value : JSON.stringify(settled)}`)
    afterCommand(world, model)
  }

  toString(): string {
    return `inviteInGroup(${this.device}, members ${this.members.toString(2).padStart(3, '0')}, ${JSON.stringify(this.data)}, ${this.timeout} s${this.onlineUserOnly ? ', online only' : ''})`
  }
}

export const inviteInGroupCommand = fc
  .tuple(device, fc.integer({ min: 1, max: 7 }), inviteData, timeout, onlineUserOnly)
  .map(([who, members, data, seconds, online]) => new InviteInGroupCommand(who, members, data, seconds, online))
