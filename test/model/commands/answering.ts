/**
 * What accept and reject share: pick an invitation the device's user is invited to, answer it,
 * check the promise against the device's own view before the call, and journal what the device
 * learned from its promise.
 *
 * @module
 */
import fc from 'fast-check'
import { expect } from 'vitest'
import { afterCommand } from '../invariants.js'
import { chooseTarget, invitedAs, type DeviceName, type Model } from '../model.js'
import { expectedAnswer, expectSettled } from '../postconditions.js'
import type { World } from '../world.js'
import { answerData, device, index } from './arbitraries.js'

export interface Answer {
  readonly kind: 'accept' | 'reject'
  readonly device: DeviceName
  readonly target: number
  readonly data: string
}

const outcomes = { accept: 'accepted', reject: 'rejected' } as const

export const answer = async (command: Answer, model: Model, world: World): Promise<void> => {
  const device = world.device(command.device)
  const me = device.userID
  const { inviteID } = chooseTarget(invitedAs(model, command.device), command.target, (candidate) =>
    device.signaling.getInvitation(candidate.inviteID)?.invitees.some((i) => i.userID === me && i.state === 'pending') === true,
  )
  const what = `${command.kind}(${command.device}, ${inviteID}, ${JSON.stringify(command.data)})`
  const expected = expectedAnswer(model.connected.has(command.device), device.signaling.getInvitation(inviteID), me, world.now())
  const promise = device.signaling[command.kind](inviteID, command.data)
  // The answer is applied on the acting device when it is sent (README, "Decisions").
  const applied = device.signaling.getInvitation(inviteID)?.invitees.find((i) => i.userID === me)
  const settled = await world.settle(what, promise)
  expectSettled(what, settled, expected)
  if (settled.kind === 'resolved') {
    const outcome = outcomes[command.kind]
    expect({ what, applied }).toMatchObject({ what, applied: { state: outcome, data: command.data, deviceID: device.transport.deviceID } })
    device.learned.push({ source: 'self', inviteID, invitee: me, outcome, data: command.data })
  }
  world.record(`${what} -> ${JSON.stringify(settled)}`)
  afterCommand(world, model)
}

/** `accept` or `reject` by one device, on the `target`-th invitation its user is invited to. */
export class AnswerCommand implements fc.AsyncCommand<Model, World>, Answer {
  constructor(
    readonly kind: Answer['kind'],
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
    return `${this.kind}(${this.device}, invitation #${this.target}, ${JSON.stringify(this.data)})`
  }
}

export const answerCommand = (kind: Answer['kind']): fc.Arbitrary<AnswerCommand> =>
  fc.tuple(device, index, answerData).map(([who, target, data]) => new AnswerCommand(kind, who, target, data))
