/**
 * The classroom of the seed scenario, as an app would build it on beckon.
 *
 * The teacher invites the whole class group to raise hands; students accept to raise theirs.
 * Every member gets every callback of a group invitation, so every member's app builds the same
 * list of raised hands. The teacher then invites one of them to speak; that student accepts and
 * every member sees who speaks. Closing the round cancels the hands still down.
 */
import type { Clock, Signaling } from '@beckon/core'
import { Reached } from './reached.js'
import type { Timeline } from './timeline.js'

export type ClassroomData = { readonly kind: 'raise-hands'; readonly question: string } | { readonly kind: 'speak' }

const parse = (data: string): ClassroomData | undefined => {
  try {
    return JSON.parse(data) as ClassroomData
  } catch {
    return undefined
  }
}

/** How long a student given the floor has to take it (s). */
export const FLOOR_TIMEOUT_S = 10

/** One member's classroom app (teacher or student). */
export class ClassroomApp {
  /** The current hand-raising round, as every member saw it start. */
  round: string | undefined
  readonly raisedHands: string[] = []
  speaker: string | undefined
  #speakInvite: string | undefined
  readonly #reached: Reached

  constructor(
    readonly who: string,
    readonly signaling: Signaling,
    clock: Clock,
    private readonly timeline: Timeline,
  ) {
    this.#reached = new Reached(who, clock)
    signaling.addSignalingListener({
      onReceiveNewInvitation: (inviteID, _teacher, _groupID, invitees, data) => {
        const parsed = parse(data)
        if (parsed?.kind === 'raise-hands') this.#startRound(inviteID)
        if (parsed?.kind === 'speak') this.#speakInvite = inviteID
        if (parsed?.kind === 'speak' && invitees.includes(who)) this.timeline.act(who, 'is asked to speak')
        this.#reached.changed()
      },
      onInviteeAccepted: (inviteID, student) => {
        if (inviteID === this.round) this.#handUp(student)
        if (inviteID === this.#speakInvite) this.#speaks(student)
      },
    })
  }

  /** Teacher: opens a round of hand-raising for `students`. */
  async openRound(groupID: string, students: readonly string[], question: string): Promise<string> {
    this.timeline.act(this.who, `asks the class: ${question}`)
    const data: ClassroomData = { kind: 'raise-hands', question }
    const inviteID = await this.signaling.inviteInGroup(groupID, students, JSON.stringify(data), { timeout: 0 })
    this.#startRound(inviteID)
    return inviteID
  }

  /** Student: resolves once it has seen a round start; rejects if not within `withinMs`. */
  seesRound(withinMs: number): Promise<void> {
    return this.#reached.until(() => this.round !== undefined, 'a round', withinMs)
  }

  /** Student: resolves once it has been given the floor; rejects if not within `withinMs`. */
  hasTheFloor(withinMs: number): Promise<void> {
    return this.#reached.until(() => this.#speakInvite !== undefined, 'the floor', withinMs)
  }

  /** Student: raises a hand in the current round. */
  async raiseHand(): Promise<void> {
    if (this.round === undefined) throw new Error(`${this.who} sees no round`)
    this.timeline.act(this.who, 'raises a hand')
    await this.signaling.accept(this.round)
    this.#handUp(this.who)
  }

  /** Teacher: gives the floor to one student. */
  async giveFloor(groupID: string, student: string): Promise<string> {
    this.timeline.act(this.who, `gives the floor to ${student}`)
    const data: ClassroomData = { kind: 'speak' }
    this.#speakInvite = await this.signaling.inviteInGroup(groupID, [student], JSON.stringify(data), { timeout: FLOOR_TIMEOUT_S })
    return this.#speakInvite
  }

  /** Student: takes the floor it was given. */
  async speak(): Promise<void> {
    if (this.#speakInvite === undefined) throw new Error(`${this.who} was not given the floor`)
    await this.signaling.accept(this.#speakInvite)
    this.#speaks(this.who)
  }

  /** Teacher: closes the round; hands still down are cancelled. */
  async closeRound(): Promise<void> {
    if (this.round === undefined) return
    this.timeline.act(this.who, 'closes the round')
    await this.signaling.cancel(this.round, JSON.stringify({ kind: 'round-closed' }))
  }

  #startRound(inviteID: string): void {
    this.round = inviteID
    this.raisedHands.length = 0
  }

  #handUp(student: string): void {
    if (this.raisedHands.includes(student)) return
    this.raisedHands.push(student)
    this.timeline.act(this.who, `sees hands up: [${this.raisedHands.join(', ')}]`)
  }

  #speaks(student: string): void {
    this.speaker = student
    this.timeline.act(this.who, `sees ${student} speaking`)
  }
}
