/**
 * `SequenceRecorder`: a run as a Mermaid sequence diagram, with races and corrections called out.
 */
import { describe, expect, it } from 'vitest'
import { createSignaling } from '@beckon/core'
import { MemoryIm, SequenceRecorder } from '../src/index.js'

const world = (options: { groupsOnce?: boolean } = {}) => {
  const im = new MemoryIm({ seed: 3, network: { latency: { min: 20, max: 80 } } })
  const diagram = new SequenceRecorder(im.clock, options)
  const device = (userID: string, deviceID = 'default') => {
    const signaling = createSignaling({ transport: diagram.transport(im.connect(userID, { deviceID })) })
    diagram.watch(signaling)
    return signaling
  }
  return { im, diagram, device }
}

describe('a run as a sequence diagram', () => {
  it('draws messages between devices and callbacks on the device that heard them', async () => {
    const { im, diagram, device } = world()
    const alice = device('alice')
    const bob = device('bob')
    const ringing = new Promise<string>((resolve) => bob.addSignalingListener({ onReceiveNewInvitation: resolve }))
    const id = await alice.invite('bob', '{"room_id":42}')
    await im.clock.advance(100)
    await bob.reject(await ringing)
    await im.clock.advance(100)
    const lines = diagram.toMermaid().split('\n')
    expect(lines.slice(0, 3)).toEqual(['sequenceDiagram', '  participant alice', '  participant bob'])
    expect(lines.filter((l) => l.includes('->>')).map((l) => l.replace(/\+\d+\.\d+s /, ''))).toEqual([
      '  alice->>bob: invite #35;1 [bob] room_id=42',
      '  bob-->>bob: onReceiveNewInvitation #35;1 from alice to [bob]',
      '  bob->>alice: reject #35;1',
      '  alice-->>alice: onInviteeRejected #35;1 bob',
    ])
    expect(id).not.toBe('')
  })

  it('marks messages that crossed in flight and the correction the losing side hears', async () => {
    const { im, diagram, device } = world()
    const alice = device('alice')
    const bob = device('bob')
    const ringing = new Promise<string>((resolve) => bob.addSignalingListener({ onReceiveNewInvitation: resolve }))
    await alice.invite('bob')
    await im.clock.advance(100)
    const id = await ringing
    await Promise.all([bob.accept(id), alice.cancel(id)])
    await im.clock.advance(200)
    const text = diagram.toMermaid()
    expect(text).toMatch(/Note over \w+,\w+: ⚡ \w+ and \w+ crossed in flight/)
    expect(text).toContain('Note over bob: ↺ correction: bob accepted → cancelled (lost a race)')
  })

  it('names a user’s devices when it has several, and can draw a group message once', async () => {
    const { im, diagram, device } = world({ groupsOnce: true })
    const teacher = device('teacher')
    device('s1', 'phone')
    device('s1', 'laptop')
    device('s2')
    await im.connect('teacher').createGroup('class', ['s1', 's2'])
    await im.clock.advance(100)
    await teacher.inviteInGroup('class', ['s1', 's2'], '', { timeout: 0 })
    await im.clock.advance(200)
    const text = diagram.toMermaid()
    expect(text).toContain('participant s1_phone as s1/phone')
    expect(text.match(/->>class_\w+: \+\d\.\d+s invite #35;1 \[s1, s2\]/g)).toHaveLength(1)
    expect(text.match(/onReceiveNewInvitation #35;1/g)).toHaveLength(3)
  })
})
