/**
 * `reject(inviteID, data)` on a device whose user is invited (SPEC §2, §3 "Rules"): resolves only
 * while that invitee is pending at the device and the deadline has not passed; 8010 otherwise,
 * 6014 when disconnected.
 */
import fc from 'fast-check'
import { invitedAs, type DeviceName, type Model } from '../model.js'
import type { World } from '../world.js'
import { answer } from './answering.js'
import { answerData, device, index } from './arbitraries.js'

export class RejectCommand implements fc.AsyncCommand<Model, World> {
  readonly kind = 'reject'

  constructor(
    readonly device: DeviceName,
    readonly target: number,
    readonly data: string,
  ) {}

  check(model: Readonly<Model>): boolean {
    return invitedAs(model, this.device).length > 0
  }

  run(model: Model, world: World): Promise<void> {
    return answer(this, model, world)
  }

  toString(): string {
    return `reject(${this.device}, invitation #${this.target}, ${JSON.stringify(this.data)})`
  }
}

export const rejectCommand = fc.tuple(device, index, answerData).map(([who, target, data]) => new RejectCommand(who, target, data))
