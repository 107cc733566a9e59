/**
 * `npm run demo`: the seed scenarios on the embedded IM, in real time, with short timeouts and a
 * network that takes 20–80 ms per delivery. Prints who did what (▶) and who was told what (◀).
 *
 * `npm run demo -- --xmpp` (or `npm run demo:xmpp`): the same scripts and the same timeline over
 * XMPP, against a Prosody on loopback (see `prosody.ts`: an already running one, or one started
 * and stopped for this run).
 *
 * `--mermaid` (with either): also prints the whole run as a Mermaid sequence diagram at the end.
 *
 * `--inspect` (or `npm run inspect`): streams every device's invitees to a local inspector server
 * (`@statelyai/inspect`'s WebSocket relay on `--port=N`, default 8080 or `BECKON_INSPECT_PORT`);
 * `--keep-open` keeps the server up after the run, for a browser opened late.
 */
import { systemClock } from '@beckon/core'
import { MemoryIm, SequenceRecorder } from '@beckon/adapter-memory'
import { DiagramTimeline } from './diagramTimeline.js'
import { startInspectorStream } from './inspectorStream.js'
import { prosodyFor } from './prosody.js'
import { acceptedCall, busyCall, callWorld, cancelledCall, classroom, rejectedCall, unansweredCall, type Connect } from './scenarios.js'
import { Timeline } from './timeline.js'
import { xmppCast } from './xmpp.js'

/** Where the scenarios run: how to log a person in, how to let what is in flight land, and the cleanup. */
interface Stage {
  readonly title: string
  readonly connect: Connect
  settle(): Promise<void>
  close(): Promise<void>
}

const people = ['alice', 'bob', 'carol', 'teacher', ...Array.from({ length: 6 }, (_, i) => `student${i + 1}`)]
const groupID = 'class-7'

const onMemory = (): Stage => {
  const im = new MemoryIm({ clock: systemClock, network: { latency: { min: 20, max: 80 } } })
  return {
    title: 'beckon demo — invitation signaling on the embedded IM (real time, 20–80 ms network)',
    connect: (userID) => im.connect(userID),
    settle: () => im.settle(),
    close: async () => {},
  }
}

const onProsody = async (): Promise<Stage> => {
  const server = await prosodyFor(people, [groupID])
  const cast = xmppCast(server.login)
  return {
    title: `beckon demo — invitation signaling over XMPP\n${server.description}`,
    connect: cast.connect,
    // Loopback deliveries take a few ms; give the last ones (and the group's) time to land.
    settle: () => new Promise((resolve) => setTimeout(resolve, 500)),
    close: async () => {
      await cast.close()
      await server.release()
    },
  }
}

const stage = process.argv.includes('--xmpp') ? await onProsody() : onMemory()
const diagram = process.argv.includes('--mermaid') ? new SequenceRecorder(systemClock, { groupsOnce: true }) : undefined
const portArgument = process.argv.find((arg) => arg.startsWith('--port='))?.slice('--port='.length)
const stream = process.argv.includes('--inspect') ? await startInspectorStream(Number(portArgument ?? process.env.BECKON_INSPECT_PORT ?? 8080)) : undefined
if (stream !== undefined) {
  console.log(`Streaming every device's invitees to the inspector server on ws://localhost:${stream.port}.`)
  console.log(`  online:  open http://localhost:${stream.port} — it embeds Stately's inspector (https://stately.ai/inspect) and forwards the stream`)
  console.log(`  offline: any WebSocket client of ws://localhost:${stream.port} gets the stream (createWebSocketReceiver from @statelyai/inspect)\n`)
}
try {
  const print = (line: string) => console.log(line)
  const timeline = diagram === undefined ? new Timeline(systemClock, print) : new DiagramTimeline(systemClock, diagram, print)
  const connect: Connect = diagram === undefined ? stage.connect : async (userID) => diagram.transport(await stage.connect(userID))

  console.log(`${stage.title}\n`)
  console.log('   time  device         ▶ did  ◀ was told\n')

  const calls = await callWorld(connect, systemClock, timeline, stream?.inspector)
  await acceptedCall(calls)
  await rejectedCall(calls)
  await busyCall(calls)
  await cancelledCall(calls)
  await unansweredCall(calls)
  const room = await classroom(connect, systemClock, timeline, 6, groupID, stream?.inspector)
  await stage.settle()

  console.log(`\nWhat every member of ${groupID} saw:`)
  for (const member of [room.teacher, ...room.students]) {
    console.log(`  ${member.who.padEnd(9)} hands up: [${member.raisedHands.join(', ')}]  speaking: ${member.speaker ?? '—'}`)
  }
  const open = [...calls.alice.signaling.listInvitations(), ...calls.bob.signaling.listInvitations()].filter((i) => i.active)
  // End-of-call notices are open-ended (timeout 0) and never cancelled, as call kits leave them;
  // the engine retires the oldest when a cap needs room, so they are counted apart.
  const notices = open.filter((invitation) => invitation.timeout === 0).length
  console.log(`\nInvitations still pending on alice's and bob's devices: ${open.length - notices} (and ${notices} end-of-call notices, open-ended by design)`)
  if (stream !== undefined) {
    await stream.drained()
    const { actors, snapshots, events, definitions } = stream.relayed
    console.log(`\nThe inspector server relayed ${actors} actors (definitions: ${[...definitions].join(', ') || 'none'}), ${events} events and ${snapshots} snapshots.`)
  }
  if (diagram !== undefined) console.log(`\nThe run as a Mermaid sequence diagram:\n\n\`\`\`mermaid\n${diagram.toMermaid()}\n\`\`\``)
} finally {
  await stage.close()
}
if (stream !== undefined && process.argv.includes('--keep-open')) {
  console.log(`\nThe inspector server stays up on port ${stream.port} (it replays its last 200 events to a new viewer); Ctrl-C to stop.`)
} else {
  stream?.stop()
  process.exit(0)
}
