/**
 * `createSignaling({ inspect })`: every invitee mirrored as a live actor of the invitee machine,
 * as XState's `createActor({ inspect })` and the Stately inspector would show it.
 */
import { describe, expect, it } from 'vitest'
import type { InspectionEvent } from 'xstate'
import { createInspector } from '@statelyai/inspect'
import { createSignaling, mirroredActorID, type InspectOption } from '@beckon/core'
import { MemoryIm } from '@beckon/adapter-memory'

type Recorded = { events: InspectionEvent[] }

const idOf = (e: InspectionEvent): string => (e.actorRef as { id?: string }).id ?? ''
const snapshotsOf = (events: readonly InspectionEvent[], actor: string) =>
  events.flatMap((e) => (e.type === '@xstate.snapshot' && idOf(e) === actor ? [e.snapshot as { value?: unknown; context?: unknown }] : []))

/** A teacher invites s1 and s2 in a group; s1 accepts and s2 rejects. */
const classroom = async (inspectTeacher: InspectOption | undefined, inspectS1?: InspectOption) => {
  const im = new MemoryIm()
  const teacher = createSignaling({ transport: im.connect('teacher'), ...(inspectTeacher === undefined ? {} : { inspect: inspectTeacher }) })
  const s1 = createSignaling({ transport: im.connect('s1'), ...(inspectS1 === undefined ? {} : { inspect: inspectS1 }) })
  const s2 = createSignaling({ transport: im.connect('s2') })
  await im.connect('teacher').createGroup('class', ['s1', 's2'])
  await im.settle()
  s1.addSignalingListener({ onReceiveNewInvitation: (id) => void s1.accept(id, 'me!') })
  s2.addSignalingListener({ onReceiveNewInvitation: (id) => void s2.reject(id) })
  const inviteID = await teacher.inviteInGroup('class', ['s1', 's2'], 'raise your hand')
  await im.settle()
  return { im, teacher, s1, inviteID }
}

describe('what the inspect option accepts', () => {
  const shapes: [string, (into: Recorded) => InspectOption][] = [
    ['a function, as createActor({ inspect }) takes', (into) => (event: InspectionEvent) => void into.events.push(event)],
    ['an observer object', (into) => ({ next: (event: InspectionEvent) => void into.events.push(event) })],
    ['an @statelyai/inspect-style inspector', (into) => ({ inspect: { next: (event: InspectionEvent) => void into.events.push(event) } })],
    ['an inspector whose inspect member is a function', (into) => ({ inspect: (event: InspectionEvent) => void into.events.push(event) })],
  ]
  it.each(shapes)('takes %s and shows every invitee', async (_name, make) => {
    const recorded: Recorded = { events: [] }
    const { inviteID } = await classroom(make(recorded))
    const actors = recorded.events.filter((e) => e.type === '@xstate.actor').map(idOf)
    expect(actors).toEqual(['s1', 's2'].map((s) => mirroredActorID({ userID: 'teacher', deviceID: 'default' }, inviteID, s)))
  })

  it.each([
    ['a number', 42, /got number 42/],
    ['an empty object', {}, /got an object with no members/],
    ['an object that is not an observer', { onEvent: () => {} }, /got an object with members onEvent/],
    ['an inspector whose inspect member is not an observer', { inspect: 'yes' }, /whose `inspect` member is string yes/],
  ])('refuses %s with a TypeError naming the option, what it takes and what it got', (_name, value, got) => {
    const im = new MemoryIm()
    const create = () => createSignaling({ transport: im.connect('alice'), inspect: value as unknown as InspectOption })
    expect(create).toThrow(TypeError)
    expect(create).toThrow(/`inspect` must be an observer .*a function .*@statelyai\/inspect/)
    expect(create).toThrow(got)
  })
})

describe('the mirrored actors', () => {
  it('name whose view they are, so two parties watching one invitee are two actors', async () => {
    const teacherView: Recorded = { events: [] }
    const s1View: Recorded = { events: [] }
    const { inviteID } = await classroom((e: InspectionEvent) => void teacherView.events.push(e), (e: InspectionEvent) => void s1View.events.push(e))
    const teacherSeesS1 = `teacher/default sees s1 of ${inviteID}`
    const s1SeesS1 = `s1/default sees s1 of ${inviteID}`
    expect(teacherView.events.filter((e) => e.type === '@xstate.actor').map(idOf)).toContain(teacherSeesS1)
    expect(s1View.events.filter((e) => e.type === '@xstate.actor').map(idOf)).toContain(s1SeesS1)
    const sessions = new Set([...teacherView.events, ...s1View.events].map((e) => e.actorRef.sessionId))
    expect(sessions.size).toBe(4)
  })

  it('carry the machine definition and move through it as the engine does', async () => {
    const recorded: Recorded = { events: [] }
    const { teacher, inviteID } = await classroom((e: InspectionEvent) => void recorded.events.push(e))
    const appeared = recorded.events.find((e) => e.type === '@xstate.actor')!
    expect((appeared.actorRef as unknown as { logic: { config: { id: string; states: object } } }).logic.config).toMatchObject({ id: 'invitee', initial: 'pending' })
    const view = (s: string) => mirroredActorID({ userID: 'teacher', deviceID: 'default' }, inviteID, s)
    expect(snapshotsOf(recorded.events, view('s1')).map((s) => s.value)).toEqual(['accepted'])
    expect(snapshotsOf(recorded.events, view('s2')).map((s) => s.value)).toEqual(['rejected'])
    expect(teacher.diagnosticCounts()['inspector-mismatch']).toBeUndefined()
  })

  it('receive the facts as the engine saw them: type, action id, sender user and device, data', async () => {
    const recorded: Recorded = { events: [] }
    const { inviteID } = await classroom((e: InspectionEvent) => void recorded.events.push(e))
    const received = recorded.events.filter((e) => e.type === '@xstate.event' && idOf(e) === `teacher/default sees s1 of ${inviteID}`)
    expect(received.map((e) => (e.type === '@xstate.event' ? e.event : undefined))).toEqual([
      { type: 'invitee.accepted', actionID: expect.stringMatching(/.+/) as unknown, userID: 's1', deviceID: 'default', data: 'me!' },
    ])
  })

  it('go back to pending when the IM refuses this device’s own answer', async () => {
    // Arrange: s1 leaves the group, so the IM refuses its accept.
    const recorded: Recorded = { events: [] }
    const im = new MemoryIm()
    const teacher = createSignaling({ transport: im.connect('teacher') })
    const s1Transport = im.connect('s1')
    const s1 = createSignaling({ transport: s1Transport, inspect: (e) => void recorded.events.push(e) })
    await im.connect('teacher').createGroup('class', ['s1', 's2'])
    await im.settle()
    const inviteID = await teacher.inviteInGroup('class', ['s1', 's2'], 'raise your hand', { timeout: 0 })
    await im.settle()
    await s1Transport.quitGroup('class')
    // Act
    await expect(s1.accept(inviteID)).rejects.toThrow()
    // Assert
    const seen = snapshotsOf(recorded.events, `s1/default sees s1 of ${inviteID}`).map((s) => s.value)
    expect(seen).toEqual(['accepted', 'pending'])
    expect(s1.getInvitation(inviteID)?.invitees.find((i) => i.userID === 's1')?.state).toBe('pending')
    expect(s1.diagnosticCounts()['inspector-mismatch']).toBeUndefined()
  })

  it('report an inspector-mismatch when the engine lands where the machine does not', async () => {
    const { createInspectionMirror } = await import('../../packages/core/src/facade/inspection.js')
    const mismatches: string[] = []
    const events: InspectionEvent[] = []
    const mirror = createInspectionMirror({ party: { userID: 'a', deviceID: 'd' }, sink: (e) => void events.push(e), mismatch: (_id, detail) => void mismatches.push(detail), sinkThrew: () => {} })
    mirror.created('inv', ['bob'])
    const accepted = { type: 'invitee.accepted', actionID: '2', userID: 'bob', deviceID: 'phone', data: '' } as const
    mirror.transition('inv', 'bob', accepted, 'rejected') // an engine that went wrong
    const last = events.at(-1)!
    expect(last.type === '@xstate.snapshot' ? (last.snapshot as unknown as { value: unknown }).value : undefined).toBe('accepted')
    expect(mismatches).toEqual(['a/d sees bob of inv: after invitee.accepted 2 the machine is accepted, the engine rejected'])
  })

  it('stop with the invitees the engine drops, and only those', async () => {
    const { createInspectionMirror } = await import('../../packages/core/src/facade/inspection.js')
    const events: InspectionEvent[] = []
    const mirror = createInspectionMirror({ party: { userID: 'a', deviceID: 'd' }, sink: (e) => void events.push(e), mismatch: () => {}, sinkThrew: () => {} })
    const fact = (userID: string) => ({ type: 'invitee.accepted', actionID: `1-${userID}`, userID, deviceID: 'phone', data: '' }) as const
    mirror.created('one', ['bob', 'carol'])
    mirror.created('two', ['bob'])
    mirror.removed('one', ['bob'])
    for (const [inviteID, userID] of [['one', 'bob'], ['one', 'carol'], ['two', 'bob']] as const) mirror.transition(inviteID, userID, fact(userID), 'accepted')
    mirror.removed('one', ['carol'])
    mirror.transition('one', 'carol', fact('carol'), 'accepted')
    mirror.created('one', ['bob']) // an id seen again starts a new actor
    mirror.transition('one', 'bob', fact('bob'), 'accepted')
    const stepped = events.filter((e) => e.type === '@xstate.event').map(idOf)
    expect(stepped).toEqual(['a/d sees carol of one', 'a/d sees bob of two', 'a/d sees bob of one'])
  })

  it('keep signaling going when the observer throws, and say so', async () => {
    const { teacher } = await classroom(() => {
      throw new Error('inspector down')
    })
    expect(teacher.listInvitations()[0]?.invitees.map((i) => i.state)).toEqual(['accepted', 'rejected'])
    expect(teacher.diagnosticCounts()['listener-threw']).toBeGreaterThan(0)
  })
})

describe('with the @statelyai/inspect inspector', () => {
  it('sends the inspector each invitee with the machine definition and its live snapshots', async () => {
    const sent: Record<string, unknown>[] = []
    const inspector = createInspector({ send: (event: unknown) => void sent.push(event as Record<string, unknown>), start: () => {}, stop: () => {} })
    const { inviteID, teacher } = await classroom(inspector)
    await new Promise((resolve) => setTimeout(resolve, 20)) // the inspector converts events when idle
    const actor = sent.find((e) => e.type === '@xstate.actor' && e.name === `teacher/default sees s1 of ${inviteID}`)
    expect(JSON.parse(actor?.definition as string)).toMatchObject({ id: 'invitee', initial: 'pending' })
    const snapshots = sent.filter((e) => e.type === '@xstate.snapshot' && e.sessionId === actor?.sessionId)
    expect(snapshots.map((e) => (e.snapshot as { value: unknown }).value)).toEqual(['accepted'])
    expect(teacher.diagnosticCounts()['inspector-mismatch']).toBeUndefined()
  })
})
