/**
 * `inviteInGroup('g', invitees, data, { timeout })` from one device, inviting some of the other
 * members (SPEC §2): resolves when connected, every invitee pending at the sender; 6014 when not.
 */
import fc from 'fast-check'
import { groupID, userOf, users, type DeviceName, type Model } from '../model.js'
import type { World } from '../world.js'
import { device, inviteData, onlineUserOnly, timeout } from './arbitraries.js'
import { expectInvited } from './inviting.js'

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
    const others = users.filter((user) => user !== userOf(this.device))
    const invitees = others.filter((_, bit) => (this.members & (1 << bit)) !== 0)
    const promise = world.device(this.device).signaling.inviteInGroup(groupID, invitees, this.data, { timeout: this.timeout, onlineUserOnly: this.onlineUserOnly })
    await expectInvited(model, world, this, invitees, groupID, promise, `${this}`, `${this} [${invitees.join(', ')}]`)
  }

  toString(): string {
    return `inviteInGroup(${this.device}, members ${this.members.toString(2).padStart(3, '0')}, ${JSON.stringify(this.data)}, ${this.timeout} s${this.onlineUserOnly ? ', online only' : ''})`
  }
}

export const inviteInGroupCommand = fc
  .tuple(device, fc.integer({ min: 1, max: 7 }), inviteData, timeout, onlineUserOnly)
  .map(([who, members, data, seconds, online]) => new InviteInGroupCommand(who, members, data, seconds, online))
