/**
 * `createSignaling({ inspect })`: every invitee mirrored as a live actor of the invitee machine,
 * as the Stately inspector would show it.
 */
import { describe, expect, it } from 'vitest'
import type { InspectionEvent } from 'xstate'
import { createSignaling } from '@beckon/core'
import { MemoryIm } from '@beckon/adapter-memory'

const recorder = () => {
  const events: InspectionEvent[] = []
  return { events, inspector: { inspect: (event: InspectionEvent) => void events.push(event) } }
}

describe('watching invitations in an inspector', () => {
  it('shows one actor per invitee, moving through the machine as the engine does', async () => {
    // Arrange
    const im = new MemoryIm()
    const { events, inspector } = recorder()
    const teacher = createSignaling({ transport: im.connect('teacher'), inspect: inspector })
    const s1 = createSignaling({ transport: im.connect('s1') })
    const s2 = createSignaling({ transport: im.connect('s2') })
    await im.connect('teacher').createGroup('class', ['s1', 's2'])
    await im.settle()
    s1.addSignalingListener({ onReceiveNewInvitation: (id) => void s1.accept(id) })
    s2.addSignalingListener({ onReceiveNewInvitation: (id) => void s2.reject(id) })
    // Act
    const id = await teacher.inviteInGroup('class', ['s1', 's2'], 'raise your hand')
    await im.settle()
    // Assert
    const idOf = (e: InspectionEvent) => (e.actorRef as { id?: string }).id
    const actors = events.filter((e) => e.type === '@xstate.actor').map(idOf)
    expect(actors).toEqual([`${id}/s1`, `${id}/s2`])
    const last = (actor: string) => events.filter((e) => e.type === '@xstate.snapshot' && idOf(e) === actor).at(-1)
    const valueOf = (actor: string) => {
      const event = last(actor)
      return event?.type === '@xstate.snapshot' ? (event.snapshot as { value?: unknown }).value : undefined
    }
    expect([valueOf(`${id}/s1`), valueOf(`${id}/s2`)]).toEqual(['accepted', 'rejected'])
    expect(teacher.diagnosticCounts()['inspector-mismatch']).toBeUndefined()
  })
})
