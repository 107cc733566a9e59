/**
 * The seed scenarios as scripts: the 1:1 call (accepted, rejected, busy, cancelled, unanswered)
 * and the classroom. They run on any MemoryIm — the demo's real-time one, or a test's virtual one
 * (start the script, then advance the clock) — and on any other transport factory.
 */
import { createSignaling, type Clock, type ImTransport, type InspectOption, type Signaling } from '@beckon/core'
import { CallApp, MediaRooms } from './call.js'
import { ClassroomApp } from './classroom.js'
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

/** Bob answers; they talk; alice hangs up; bob, who stays, sends the end-of-call notice. */
export const acceptedCall = async (w: CallWorld, timeoutSeconds = 3): Promise<void> => {
  w.timeline.note('1:1 call: accepted, then ended by the party that stays')
  await w.alice.dial('bob', 42, timeoutSeconds)
  await sleep(w.clock, 800)
  await w.bob.answer()
  await sleep(w.clock, 2_000)
  await w.alice.hangUp()
  await sleep(w.clock, 500)
}

export const rejectedCall = async (w: CallWorld, timeoutSeconds = 3): Promise<void> => {
  w.timeline.note('1:1 call: rejected')
  await w.alice.dial('bob', 43, timeoutSeconds)
  await sleep(w.clock, 600)
  await w.bob.decline()
  await sleep(w.clock, 300)
}

/** Bob is on a call with carol when alice calls: his app rejects at once, as busy. */
export const busyCall = async (w: CallWorld, timeoutSeconds = 3): Promise<void> => {
  w.timeline.note('1:1 call: callee busy in another call')
  await w.carol.dial('bob', 44, timeoutSeconds)
  await sleep(w.clock, 300)
  await w.bob.answer()
  await sleep(w.clock, 300)
  await w.alice.dial('bob', 45, timeoutSeconds)
  await sleep(w.clock, 500)
  await w.carol.hangUp()
  await sleep(w.clock, 500)
}

export const cancelledCall = async (w: CallWorld, timeoutSeconds = 3): Promise<void> => {
  w.timeline.note('1:1 call: the caller hangs up before an answer')
  await w.alice.dial('bob', 46, timeoutSeconds)
  await sleep(w.clock, 1_000)
  await w.alice.hangUp()
  await sleep(w.clock, 300)
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
  const teacher = new ClassroomApp('teacher', teacherDevice.signaling, timeline)
  const students = await Promise.all(names.map(async (name) => new ClassroomApp(name, (await signalingOf(connect, timeline, name, inspect)).signaling, timeline)))
  await teacherDevice.transport.createGroup(groupID, names)
  await sleep(clock, 100)

  const everyone = names
  await teacher.openRound(groupID, everyone, 'Who can explain photosynthesis?')
  await sleep(clock, 400)
  for (const raiser of [students[1], students[3], students[4]]) {
    await raiser?.raiseHand()
    await sleep(clock, 300)
  }
  const chosen = students[3]!
  await teacher.giveFloor(groupID, chosen.who)
  await sleep(clock, 400)
  await chosen.speak()
  await sleep(clock, 300)
  await teacher.closeRound()
  await sleep(clock, 300)
  return { teacher, students }
}
