/**
 * The runs the README draws as sequence diagrams, each on a seeded MemoryIm with a 20–80 ms
 * network and virtual time, so the same code gives the same picture on every machine.
 *
 * @module
 */
import { createSignaling, type Signaling } from '@beckon/core'
import { MemoryIm, SequenceRecorder } from '@beckon/adapter-memory'
import { acceptedCall, callWorld, classroom, sleep, type Connect } from '../../examples/scenarios.js'
import { DiagramTimeline } from '../../examples/diagramTimeline.js'

const network = { latency: { min: 20, max: 80 } }

/** Runs `flow` to the end of its timers and returns its diagram. */
const draw = async (flow: (im: MemoryIm, diagram: SequenceRecorder) => Promise<void>, options: { groupsOnce?: boolean } = {}): Promise<string> => {
  const im = new MemoryIm({ seed: 7, network })
  const diagram = new SequenceRecorder(im.clock, options)
  let finished = false
  const done = flow(im, diagram).then(() => void (finished = true))
  // Virtual time only moves when asked: move it until the flow has finished.
  for (let waited = 0; !finished && waited < 120_000; waited += 100) await im.clock.advance(100)
  await done
  await im.clock.advance(15_000)
  return diagram.toMermaid()
}

/** A device whose transport and callbacks the diagram records, with ids that are the same on every run. */
const device = (im: MemoryIm, diagram: SequenceRecorder, userID: string, deviceID = 'default'): Signaling => {
  let n = 0
  const signaling = createSignaling({ transport: diagram.transport(im.connect(userID, { deviceID })), ids: () => `${userID}-${deviceID}-${String(++n).padStart(4, '0')}` })
  diagram.watch(signaling)
  return signaling
}

/** The seed's 1:1 call: bob answers, they talk, alice hangs up, bob sends the end-of-call notice. */
export const oneToOneCall = (): Promise<string> =>
  draw(async (im, diagram) => {
    const timeline = new DiagramTimeline(im.clock, diagram)
    const connect: Connect = (userID) => diagram.transport(im.connect(userID))
    await acceptedCall(await callWorld(connect, im.clock, timeline))
  })

/** Bob rings on his phone and his laptop; he answers on the laptop and the phone stops ringing. */
export const answeredOnAnotherDevice = (): Promise<string> =>
  draw(async (im, diagram) => {
    const alice = device(im, diagram, 'alice')
    const phone = device(im, diagram, 'bob', 'phone')
    const laptop = device(im, diagram, 'bob', 'laptop')
    phone.addSignalingListener({ onInviteeAccepted: () => diagram.act('bob/phone', 'stops ringing: answered elsewhere') })
    await sleep(im.clock, 100)
    diagram.act('alice', 'calls bob')
    const inviteID = await alice.invite('bob', JSON.stringify({ room_id: 42 }), { timeout: 30 })
    await sleep(im.clock, 1_000)
    diagram.act('bob/laptop', 'answers')
    await laptop.accept(inviteID, JSON.stringify({ room_id: 42 }))
    await sleep(im.clock, 500)
  })

/** Bob accepts just as alice gives up: the cancel and the accept cross; the cancel wins everywhere. */
export const acceptCancelRace = (): Promise<string> =>
  draw(async (im, diagram) => {
    const alice = device(im, diagram, 'alice')
    const bob = device(im, diagram, 'bob')
    await sleep(im.clock, 100)
    diagram.act('alice', 'calls bob')
    const inviteID = await alice.invite('bob', JSON.stringify({ room_id: 7 }), { timeout: 30 })
    await sleep(im.clock, 1_000)
    diagram.act('bob', 'answers')
    diagram.act('alice', 'hangs up at the same moment')
    await Promise.all([bob.accept(inviteID), alice.cancel(inviteID)])
    await sleep(im.clock, 500)
  })

/** The seed's classroom, with four students: hands are raised, one is given the floor, the round closes. */
export const classroomRound = (): Promise<string> =>
  draw(
    async (im, diagram) => {
      const timeline = new DiagramTimeline(im.clock, diagram)
      const connect: Connect = (userID) => diagram.transport(im.connect(userID))
      await classroom(connect, im.clock, timeline, 5)
    },
    { groupsOnce: true },
  )
