/**
 * `npm run demo`: the seed scenarios on the embedded IM, in real time, with short timeouts and a
 * network that takes 20–80 ms per delivery. Prints who did what (▶) and who was told what (◀).
 */
import { systemClock } from '@beckon/core'
import { MemoryIm } from '@beckon/adapter-memory'
import { acceptedCall, busyCall, callWorld, cancelledCall, classroom, rejectedCall, unansweredCall } from './scenarios.js'
import { Timeline } from './timeline.js'

const im = new MemoryIm({ clock: systemClock, network: { latency: { min: 20, max: 80 } } })
const connect = (userID: string) => im.connect(userID)
const timeline = new Timeline(systemClock, (line) => console.log(line))

console.log('beckon demo — invitation signaling on the embedded IM (real time, 20–80 ms network)\n')
console.log('   time  device         ▶ did  ◀ was told\n')

const calls = await callWorld(connect, systemClock, timeline)
await acceptedCall(calls)
await rejectedCall(calls)
await busyCall(calls)
await cancelledCall(calls)
await unansweredCall(calls)
const room = await classroom(connect, systemClock, timeline)
await im.settle()

console.log('\nWhat every member of class-7 saw:')
for (const member of [room.teacher, ...room.students]) {
  console.log(`  ${member.who.padEnd(9)} hands up: [${member.raisedHands.join(', ')}]  speaking: ${member.speaker ?? '—'}`)
}
const open = [...calls.alice.signaling.listInvitations(), ...calls.bob.signaling.listInvitations()].filter((i) => i.active)
console.log(`\nInvitations still pending on alice's and bob's devices: ${open.length}`)
process.exit(0)
