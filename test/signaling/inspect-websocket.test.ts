/**
 * The offline inspector path: a local WebSocket inspector server (`@statelyai/inspect`'s relay),
 * the WebSocket inspector pointed at it, and a receiver on the same relay getting the invitee
 * machine's definition and live snapshots — no browser, no network beyond loopback.
 */
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createWebSocketInspector, createWebSocketReceiver, type StatelyInspectionEvent } from '@statelyai/inspect'
import { createInspectorServer } from '@statelyai/inspect/server'
import { createSignaling } from '@beckon/core'
import { MemoryIm } from '@beckon/adapter-memory'

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo
      probe.close(() => resolve(port))
    })
  })

const until = async (holds: () => boolean, ms = 10_000): Promise<void> => {
  const start = Date.now()
  while (!holds() && Date.now() - start < ms) await new Promise((resolve) => setTimeout(resolve, 50))
}

const cleanups: (() => void)[] = []
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()))

describe('streaming to a local WebSocket inspector server', () => {
  it('delivers each invitee’s machine definition and its live snapshots to a receiver', async () => {
    // Arrange: the relay, a receiver on it, and the inspector the app is given.
    const port = await freePort()
    const server = createInspectorServer({ port, autoOpen: false })
    const received: StatelyInspectionEvent[] = []
    createWebSocketReceiver({ server: `ws://localhost:${port}` }).subscribe((event) => void received.push(event))
    const inspector = createWebSocketInspector({ url: `ws://localhost:${port}`, maxDeferredEvents: 10_000 })
    cleanups.push(() => inspector.stop(), () => server.stop())
    const im = new MemoryIm()
    const alice = createSignaling({ transport: im.connect('alice'), inspect: inspector })
    const bob = createSignaling({ transport: im.connect('bob'), inspect: inspector })
    bob.addSignalingListener({ onReceiveNewInvitation: (id) => void bob.accept(id, 'hello') })

    // Act
    const inviteID = await alice.invite('bob', 'ring', { timeout: 30 })
    await im.settle()
    const views = [`alice/default sees bob of ${inviteID}`, `bob/default sees bob of ${inviteID}`]
    const actorOf = (name: string) => received.find((e) => e.type === '@xstate.actor' && (e as { name?: string }).name === name) as { sessionId: string; definition: string } | undefined
    const snapshotsOf = (name: string) =>
      received.filter((e) => e.type === '@xstate.snapshot' && e.sessionId === actorOf(name)?.sessionId).map((e) => (e as { snapshot: { value?: unknown } }).snapshot.value)
    await until(() => views.every((name) => snapshotsOf(name).includes('accepted')))

    // Assert
    for (const name of views) {
      const definition = JSON.parse(actorOf(name)?.definition ?? '{}') as { id?: string; initial?: string; states?: object }
      expect({ name, id: definition.id, initial: definition.initial, states: Object.keys(definition.states ?? {}).sort() }).toEqual({
        name,
        id: 'invitee',
        initial: 'pending',
        states: ['accepted', 'cancelled', 'pending', 'rejected', 'timedOut'],
      })
      expect({ name, snapshots: snapshotsOf(name) }).toEqual({ name, snapshots: ['accepted'] })
    }
    const event = received.find((e) => e.type === '@xstate.event' && e.sessionId === actorOf(views[0]!)?.sessionId) as { event?: unknown } | undefined
    expect(event?.event).toMatchObject({ type: 'invitee.accepted', userID: 'bob', deviceID: 'default', data: 'hello' })
  })
})
