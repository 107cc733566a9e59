/**
 * `invite(invitee, data, { timeout })` from one device to another user (SPEC §2): resolves with
 * the invite id when connected (the device then holds it, every invitee pending), 6014 when not.
 */
import fc from 'fast-check'
import { expect } from 'vitest'
import { afterCommand } from '../invariants.js'
import { pick, userOf, users, type DeviceName, type Model } from '../model.js'
import { expectSettled } from '../postconditions.js'
import type { World } from '../world.js'
import { device, index, inviteData, onlineUserOnly, timeout } from './arbitraries.js'

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
    const inviter = userOf(this.device)
    const invitee = pick(users.filter((user) => user !== inviter), this.invitee)
    const connected = model.connected.has(this.device)
    const settled = await world.settle(`${this}`, world.device(this.device).signaling.invite(invitee, this.data, { timeout: this.timeout, onlineUserOnly: this.onlineUserOnly }))
    expectSettled(`${this}`, settled, connected ? 'resolved' : 6014)
    if (settled.kind === 'resolved') {
      const view = world.device(this.device).signaling.getInvitation(settled.value)
      expect({ states: view?.invitees.map((i) => i.state), onlineUserOnly: view?.onlineUserOnly }).toEqual({ states: ['pending'], onlineUserOnly: this.onlineUserOnly })
      model.invitations.push({ inviteID: settled.value, inviter, inviterDevice: this.device, invitees: [invitee], groupID: '', timeout: this.timeout, onlineUserOnly: this.onlineUserOnly, takenAt: view!.serverTime })
      world.tally.invitations++
    }
    world.record(`${this} -> ${settled.kind === 'resolved' ? settled.value : JSON.stringify(settled)}`)
    afterCommand(world, model)
  }

  toString(): string {
    return `invite(${this.device}, invitee #${this.invitee}, ${JSON.stringify(this.data)}, ${this.timeout} s${this.onlineUserOnly ? ', online only' : ''})`
  }
}

export const inviteCommand = fc
  .tuple(device, index, inviteData, timeout, onlineUserOnly)
  .map(([who, invitee, data, seconds, online]) => new InviteCommand(who, invitee, data, seconds, online))
