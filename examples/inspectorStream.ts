/**
 * A local inspector stream for `npm run inspect`: `@statelyai/inspect`'s inspector server (a
 * WebSocket relay, plus a page at `http://localhost:PORT` that embeds Stately's hosted inspector
 * and forwards the stream to it; like any server it listens on every interface of the machine), a WebSocket inspector for the app to pass as
 * `createSignaling({ inspect })`, and a receiver of our own on the same relay, so the command can
 * say what went through it even with no browser and no network.
 */
import net from 'node:net'
import { createWebSocketInspector, createWebSocketReceiver } from '@statelyai/inspect'
import { createInspectorServer } from '@statelyai/inspect/server'

export interface InspectorStream {
  readonly port: number
  readonly inspector: ReturnType<typeof createWebSocketInspector>
  /** What the relay has passed on so far, by kind. */
  readonly relayed: { actors: number; events: number; snapshots: number; definitions: Set<string> }
  /** Waits until nothing new has arrived for `quietMs` (the inspector sends when idle), at most `maxMs`. */
  drained(quietMs?: number, maxMs?: number): Promise<void>
  stop(): void
}

/** Fails with a sentence when `port` is taken (the inspector server would crash on it). */
const ensureFree = (port: number): Promise<void> =>
  new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', () => reject(new Error(`port ${port} is in use: pass --port=N or set BECKON_INSPECT_PORT`)))
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()))
  })

export const startInspectorStream = async (port: number): Promise<InspectorStream> => {
  await ensureFree(port)
  const server = createInspectorServer({ port, autoOpen: false })
  const relayed = { actors: 0, events: 0, snapshots: 0, definitions: new Set<string>() }
  let lastArrival = Date.now()
  createWebSocketReceiver({ server: `ws://localhost:${port}` }).subscribe((event) => {
    lastArrival = Date.now()
    if (event.type === '@xstate.actor') {
      relayed.actors++
      const definition = (event as { definition?: string }).definition
      if (definition !== undefined) relayed.definitions.add((JSON.parse(definition) as { id?: string }).id ?? '?')
    } else if (event.type === '@xstate.snapshot') relayed.snapshots++
    else relayed.events++
  })
  // Keep everything sent before the socket opens: the default keeps only the last 200 events.
  const inspector = createWebSocketInspector({ url: `ws://localhost:${port}`, maxDeferredEvents: 1_000_000 })
  return {
    port,
    inspector,
    relayed,
    drained: async (quietMs = 500, maxMs = 10_000) => {
      const start = Date.now()
      while (Date.now() - lastArrival < quietMs && Date.now() - start < maxMs) await new Promise((resolve) => setTimeout(resolve, 100))
    },
    stop: () => {
      inspector.stop()
      server.stop()
    },
  }
}
