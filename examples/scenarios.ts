/**
 * The seed scenarios as scripts: the 1:1 call (accepted, rejected, busy, cancelled, unanswered)
 * and the classroom. They run on any MemoryIm — the demo's real-time one, or a test's virtual one
 * (start the script, then advance the clock) — and on any other transport factory.
 */
import { createSignaling, type Clock, type ImTransport, type InspectOption, type Signaling } from '@beckon/core'
import { CallApp, MediaRooms, type Status } from './call.js'
import { ClassroomApp, FLOOR_TIMEOUT_S } from './classroom.js'
import type { Timeline } from './timeline.js'

/** Connects a user's device; the demo and the tests pass `MemoryIm.connect` (or an XMPP login). */
export type Connect = (userID: string) => ImTransport | Promise<ImTransport>

export const sleep = (clock: Clock, ms: number): Promise<void> => new Promise((resolve) => clock.setTimeout(resolve, ms))

/** `inspect`: watch every device of the scenario in an inspector (`npm run inspect`). */
const signalingOf = async (connect: Connect, timeline: Timeline, userID: string, inspect?: InspectOption): Promise<{ signaling: Signaling; transport: ImTransport }> => {
  const transport = await connect(userID)
  const signaling = createSignaling(inspect === undefined ? { transport } : { transport, inspect })
  timeline.watch(userID, signaling)
  return { signaling, transport }
}

// -------------------------------------------------------------------------------------------------
// 1:1 calls
// -------------------------------------------------------------------------------------------------

export interface CallWorld {
  readonly clock: Clock
  readonly timeline: Timeline
  readonly alice: CallApp
  readonly bob: CallApp
  readonly carol: CallApp
}

export const callWorld = async (connect: Connect, clock: Clock, timeline: Timeline, inspect?: InspectOption): Promise<CallWorld> => {
  const rooms = new MediaRooms()
  const app = async (who: string) => new CallApp(who, (await signalingOf(connect, timeline, who, inspect)).signaling, clock, rooms, timeline)
  return { clock, timeline, alice: await app('alice'), bob: await app('bob'), carol: await app('carol') }
}

/** One beat of a script: a step, then a pause (ms on the world's clock) before the next. */
type Beat = readonly [step: () => Promise<unknown>, pauseMs: number]

const play = async (clock: Clock, beats: readonly Beat[]): Promise<void> => {
  for (const [step, pauseMs] of beats) {
    await step()
    await sleep(clock, pauseMs)
  }
}

/**
 * `act` once `app` is in `status`, however long the ring or the answer took to arrive — within
 * the call's timeout, after which it never will.
 */
const once =
  (app: CallApp, status: Status, timeoutSeconds: number, act: () => Promise<void>) =>
  async (): Promise<void> => {
    await app.reached(status, timeoutSeconds * 1000)
    await act()
  }

/** Bob answers; they talk; alice hangs up; bob, who stays, sends the end-of-call notice. */
export const acceptedCall = async (w: CallWorld, timeoutSeconds = 3): Promise<void> => {
  w.timeline.note('1:1 call: accepted, then ended by the party that stays')
  await play(w.clock, [
    [() => w.alice.dial('bob', 42, timeoutSeconds), 800],
    [once(w.bob, 'ringing', timeoutSeconds, () => w.bob.answer()), 2_000],
    [once(w.alice, 'inCall', timeoutSeconds, () => w.alice.hangUp()), 500],
  ])
}

export const rejectedCall = async (w: CallWorld, timeoutSeconds = 3): Promise<void> => {
  w.timeline.note('1:1 call: rejected')
  await play(w.clock, [
    [() => w.alice.dial('bob', 43, timeoutSeconds), 600],
    [once(w.bob, 'ringing', timeoutSeconds, () => w.bob.decline()), 300],
  ])
}

/** Bob is on a call with carol when alice calls: his app rejects at once, as busy. */
export const busyCall = async (w: CallWorld, timeoutSeconds = 3): Promise<void> => {
  w.timeline.note('1:1 call: callee busy in another call')
  await play(w.clock, [
    [() => w.carol.dial('bob', 44, timeoutSeconds), 300],
    [once(w.bob, 'ringing', timeoutSeconds, () => w.bob.answer()), 300],
    [() => w.alice.dial('bob', 45, timeoutSeconds), 500],
    [once(w.carol, 'inCall', timeoutSeconds, () => w.carol.hangUp()), 500],
  ])
}

export const cancelledCall = async (w: CallWorld, timeoutSeconds = 3): Promise<void> => {
  w.timeline.note('1:1 call: the caller hangs up before an answer')
  await play(w.clock, [
    [() => w.alice.dial('bob', 46, timeoutSeconds), 1_000],
    [() => w.alice.hangUp(), 300],
  ])
}

/** Nobody answers: bob's device times out at the deadline, and alice learns it. */
export const unansweredCall = async (w: CallWorld, timeoutSeconds = 2): Promise<void> => {
  w.timeline.note(`1:1 call: nobody answers within ${timeoutSeconds} s`)
  await w.alice.dial('bob', 47, timeoutSeconds)
  await sleep(w.clock, timeoutSeconds * 1000 + 6_000)
}

// -------------------------------------------------------------------------------------------------
// The classroom
// -------------------------------------------------------------------------------------------------

export interface ClassWorld {
  readonly teacher: ClassroomApp
  readonly students: readonly ClassroomApp[]
}

export const classroom = async (connect: Connect, clock: Clock, timeline: Timeline, size = 6, groupID = 'class-7', inspect?: InspectOption): Promise<ClassWorld> => {
  timeline.note(`classroom: a teacher and ${size} students in ${groupID}`)
  const names = Array.from({ length: size }, (_, i) => `student${i + 1}`)
  const teacherDevice = await signalingOf(connect, timeline, 'teacher', inspect)
  const teacher = new ClassroomApp('teacher', teacherDevice.signaling, clock, timeline)
  const students = await Promise.all(names.map(async (name) => new ClassroomApp(name, (await signalingOf(connect, timeline, name, inspect)).signaling, clock, timeline)))
  await teacherDevice.transport.createGroup(groupID, names)
  await sleep(clock, 100)

  const everyone = names
  // A student acts once it has seen the round or the floor, within the floor's own timeout.
  const floorTimeoutMs = FLOOR_TIMEOUT_S * 1000
  await teacher.openRound(groupID, everyone, 'Who can explain photosynthesis?')
  await sleep(clock, 400)
  for (const raiser of [students[1], students[3], students[4]]) {
    await raiser?.seesRound(floorTimeoutMs)
    await raiser?.raiseHand()
    await sleep(clock, 300)
  }
  const chosen = students[3]!
  await teacher.giveFloor(groupID, chosen.who)
  await sleep(clock, 400)
  await chosen.hasTheFloor(floorTimeoutMs)
  await chosen.speak()
  await sleep(clock, 300)
  await teacher.closeRound()
  await sleep(clock, 300)
  return { teacher, students }
}
