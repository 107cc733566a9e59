/**
 * Scripted flows for the restart suite: each is a list of steps small enough that a crash can
 * fall between any two — between a command and the IM's receipt, between the IM taking a message
 * and its delivery, between deadlines.
 *
 * A step acts through whatever instance a device runs *now*, so after a restart the rest of the
 * script drives the restored instance. Steps never throw: a command the library refuses (or
 * whose instance died in a crash) is recorded in `ctx.results`.
 *
 * @module
 */
import { SignalingError } from '@beckon/core'
import { flushMicrotasks } from '@beckon/adapter-memory'
import type { Fleet } from './fleet.js'

export const SECOND = 1000
export const TIMEOUT_S = 30

export interface Ctx {
  /** Learned from the invite's promise or, if that died in a crash, from any device's views. */
  inviteID: string | undefined
  /** Server time when the invite was handed to the IM. */
  t: number
  /** The last command's promise, settled into `results`. */
  command: Promise<void> | undefined
  readonly results: string[]
}

export interface Step {
  readonly name: string
  /** The device whose command this step sends: a crash "after" it lands in its send window. */
  readonly actor?: string
  run(fleet: Fleet, ctx: Ctx): Promise<void>
}

export interface Flow {
  readonly name: string
  /** Users, each on its default device; the first is the inviter. */
  readonly users: readonly string[]
  readonly invitees: readonly string[]
  /** A group of every user, or 1:1. */
  readonly group: string | undefined
  readonly steps: readonly Step[]
}

const settled = (label: string, ctx: Ctx, promise: Promise<unknown>): Promise<void> =>
  promise.then(
    () => void ctx.results.push(`${label}: resolved`),
    (error: unknown) => void ctx.results.push(`${label}: ${error instanceof SignalingError ? error.code : String(error)}`),
  )

/** The invitation this run is about. */
export const inviteIDOf = (fleet: Fleet, ctx: Ctx): string | undefined => {
  if (ctx.inviteID !== undefined) return ctx.inviteID
  for (const node of fleet.nodes) {
    const [first] = node.signaling.listInvitations()
    if (first !== undefined) return (ctx.inviteID = first.inviteID)
  }
  return undefined
}

const step = (name: string, run: Step['run'], actor?: string): Step => (actor === undefined ? { name, run } : { name, run, actor })

/** The inviter calls invite / inviteInGroup; the step ends once the IM has the message (its receipt is not yet seen). */
const invite = (flow: Pick<Flow, 'users' | 'invitees' | 'group'>): Step =>
  step('invite sent (the IM took it; a crash here is before its receipt)', async (fleet, ctx) => {
    const inviter = fleet.node(flow.users[0]!)
    const before = inviter.sends
    ctx.t = fleet.now()
    const promise =
      flow.group === undefined
        ? inviter.signaling.invite(flow.invitees[0]!, 'call', { timeout: TIMEOUT_S })
        : inviter.signaling.inviteInGroup(flow.group, flow.invitees, 'lesson', { timeout: TIMEOUT_S })
    ctx.command = settled('invite', ctx, promise.then((id) => (ctx.inviteID ??= id)))
    await fleet.untilSent(inviter.name, before)
  }, flow.users[0])

const receipt = step('receipt seen (the command settles)', async (_fleet, ctx) => {
  await ctx.command
  await flushMicrotasks()
})

const deliver = (what: string) => step(`${what} delivered`, (fleet) => fleet.im.settle())

const wait = (ms: number, why: string) => step(`${ms / SECOND} s pass (${why})`, (fleet) => fleet.im.clock.advance(ms))

/** Until `ms` after the invite (server time). */
const until = (ms: number, why: string) =>
  step(`t + ${ms / SECOND} s (${why})`, async (fleet, ctx) => {
    const delta = ctx.t + ms - fleet.now()
    if (delta > 0) await fleet.im.clock.advance(delta)
    else await fleet.im.settle()
  })

const answer = (who: string, kind: 'accept' | 'reject' | 'cancel', data: string): Step =>
  step(`${who} ${kind}s (the IM took it; a crash here is before its receipt)`, async (fleet, ctx) => {
    const id = inviteIDOf(fleet, ctx)
    if (id === undefined) return void ctx.results.push(`${who} ${kind}: no invitation known`)
    const { signaling } = fleet.node(who)
    ctx.command = settled(`${who} ${kind}`, ctx, signaling[kind](id, data))
    await Promise.resolve()
  }, who)

/** The invite, its receipt, and its delivery (`who` rings or sees it). */
const ringing = (flow: Pick<Flow, 'users' | 'invitees' | 'group'>, who: string): Step[] => [invite(flow), receipt, deliver(`invite (${who})`)]

/** An answer or cancel, its receipt, and its delivery. */
const answered = (who: string, kind: 'accept' | 'reject' | 'cancel', data: string): Step[] => [answer(who, kind, data), receipt, deliver(kind)]

/** Nobody answers `who`'s part: its own deadline, the sending inviter's + 5 s, everyone's + 10 s, and later. */
const deadlines = (who: string): Step[] => [
  until(30 * SECOND, `${who}'s deadline: his timeout, sent and delivered`),
  until(35 * SECOND, "alice's + 5 s"),
  until(40 * SECOND, 'everyone’s + 10 s'),
  until(80 * SECOND, 'late'),
]

const oneToOne = { users: ['alice', 'bob'], invitees: ['bob'], group: undefined } as const

/** A 1:1 call that rings bob for 10 s, then ends with one answer or cancel. */
const oneToOneEndedBy = (name: string, who: string, kind: 'accept' | 'reject' | 'cancel', data: string): Flow => ({
  name,
  ...oneToOne,
  steps: [...ringing(oneToOne, 'bob rings'), wait(10 * SECOND, 'ringing'), ...answered(who, kind, data), until(80 * SECOND, 'every deadline')],
})

export const oneToOneFlows: readonly Flow[] = [
  oneToOneEndedBy('1:1 accepted', 'bob', 'accept', 'yes'),
  oneToOneEndedBy('1:1 rejected', 'bob', 'reject', 'busy'),
  oneToOneEndedBy('1:1 cancelled', 'alice', 'cancel', 'hung up'),
  {
    name: '1:1 unanswered',
    ...oneToOne,
    steps: [...ringing(oneToOne, 'bob rings'), until(20 * SECOND, 'ringing'), ...deadlines('bob')],
  },
]

const classroom = { users: ['alice', 'bob', 'carol', 'dave', 'erin'], invitees: ['bob', 'carol', 'dave'], group: 'class' } as const

/** The classroom rings for 5 s; bob accepts and carol rejects. */
const classroomAnswered = (): Step[] => [
  ...ringing(classroom, 'bob, carol, dave ring; erin sees it'),
  wait(5 * SECOND, 'ringing'),
  ...answered('bob', 'accept', 'yes'),
  ...answered('carol', 'reject', 'no'),
]

export const groupFlows: readonly Flow[] = [
  {
    name: 'group: accept, reject, cancel',
    ...classroom,
    steps: [...classroomAnswered(), answer('alice', 'cancel', 'enough'), receipt, deliver('cancel (dave ends)'), until(80 * SECOND, 'every deadline')],
  },
  {
    name: 'group: accept, reject, the last one times out',
    ...classroom,
    steps: [...classroomAnswered(), ...deadlines('dave')],
  },
]
