/**
 * What cancel and modifyInvitation share: one of the inviter's devices acts on the `target`-th
 * invitation it sent, preferring one still active there, and the result is journalled and the
 * invariants checked afterwards.
 *
 * @module
 */
import type fc from 'fast-check'
import { afterCommand } from '../invariants.js'
import { chooseTarget, invitedBy, type DeviceName, type Model } from '../model.js'
import type { World } from '../world.js'

/** The inviter's command on one invitation; `act` runs it and checks what it promises. */
export abstract class InviterCommand implements fc.AsyncCommand<Model, World> {
  abstract readonly method: 'cancel' | 'modifyInvitation'

  constructor(
    readonly device: DeviceName,
    readonly target: number,
    readonly data: string,
  ) {}

  check(model: Readonly<Model>): boolean {
    return invitedBy(model, this.device).length > 0
  }

  async run(model: Model, world: World): Promise<void> {
    const device = world.device(this.device)
    const { inviteID } = chooseTarget(invitedBy(model, this.device), this.target, (candidate) => device.signaling.getInvitation(candidate.inviteID)?.active === true)
    const what = `${this.method}(${this.device}, ${inviteID}, ${JSON.stringify(this.data)})`
    const settled = await this.act(model, world, inviteID, what)
    world.record(`${what} -> ${JSON.stringify(settled)}`)
    afterCommand(world, model)
  }

  /** Sends the command on `inviteID` and checks its result; returns how it settled. */
  protected abstract act(model: Model, world: World, inviteID: string, what: string): Promise<unknown>

  toString(): string {
    return `${this.method}(${this.device}, invitation #${this.target}, ${JSON.stringify(this.data)})`
  }
}
