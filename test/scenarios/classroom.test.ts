/**
 * The seed's classroom, run from the examples on a virtual clock.
 */
import { describe, expect, it } from 'vitest'
import { MemoryIm } from '@beckon/adapter-memory'
import { classroom } from '../../examples/scenarios.js'
import { Timeline } from '../../examples/timeline.js'
import { expectClassroomOutcome } from './classroomOutcome.js'

describe('the classroom', () => {
  it('shows every member the same growing list of raised hands, then who speaks', async () => {
    const im = new MemoryIm({ network: { latency: { min: 5, max: 60 }, reorder: true } })
    const timeline = new Timeline(im.clock)
    const script = classroom((user) => im.connect(user), im.clock, timeline, 6)
    let done = false
    const stop = () => (done = true)
    void script.then(stop, stop) // a script that fails ends the loop, and `await script` reports why
    while (!done) await im.clock.advance(50)
    const room = await script
    await im.settle()
    expectClassroomOutcome(expect, room, timeline)
  })
})
