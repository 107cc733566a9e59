/**
 * `invite(invitee, data, { timeout })` from one device to another user (SPEC §2): resolves with
 * the invite id when connected (the device then holds it, every invitee pending), 6014 when not.
 */
import fc from 'fast-check'
import { pick, userOf, users, type DeviceName, type Model } from '../model.js'
import type { World } from '../world.js'
import { device, index, inviteData, onlineUserOnly, timeout } from './arbitraries.js'
import { expectInvited } from './inviting.js'

export class InviteCommand implements fc.AsyncCommand<Model, World> {
  constructor(
    readonly device: DeviceName,
    readonly invitee: number,
    readonly data: string,
    readonly timeout: number,
    readonly onlineUserOnly: boolean,
  ) {}

  check(): boolean {
    return true
  }

  async run(model: Model, world: World): Promise<void> {
    const invitee = pick(users.filter((user) => user !== userOf(this.device)), this.invitee)
    const promise = world.device(this.device).signaling.invite(invitee, this.data, { timeout: this.timeout, onlineUserOnly: this.onlineUserOnly })
    await expectInvited(model, world, this, [invitee], '', promise, `${this}`)
  }

  toString(): string {
    return `invite(${this.device}, invitee #${this.invitee}, ${JSON.stringify(this.data)}, ${this.timeout} s${this.onlineUserOnly ? ', online only' : ''})`
  }
}

export const inviteCommand = fc
  .tuple(device, index, inviteData, timeout, onlineUserOnly)
  .map(([who, invitee, data, seconds, online]) => new InviteCommand(who, invitee, data, seconds, online))
