/**
 * Devices whose app can crash and come back from a saved snapshot, for the restart suite.
 *
 * A crash is what an app that persists `snapshot()` after every change goes through: the state
 * is saved (as JSON text, as it would be on disk), the old instance is closed (its pending
 * promises die with it), and a new instance is made with `createSignaling({ transport, restore })`.
 * Three ways to come back:
 * - `hot`: the same transport object, still connected (the app restarted, the IM link did not);
 * - `cold`: the transport disconnects (the process died) and connects again after `downMs`; the
 *   new instance is made while disconnected, as an app starts before it logs in.
 *
 * Every callback is recorded with its server time, device and generation (0 for the first
 * instance, + 1 per restart). Ids are `name#generation:0001`, … so a new instance never reuses
 * an action id of the old one.
 *
 * @module
 */
import { isDeepStrictEqual } from 'node:util'
import { createSignaling, type EngineSnapshot, type ImTransport, type InvitationView, type Signaling } from '@beckon/core'
import { flushMicrotasks, MemoryIm, type MemoryImOptions, type MemoryTransport } from '@beckon/adapter-memory'
import { hearEvery, type Callback } from '../support/callbacks.js'
import { counterIds } from '../support/world.js'

export type { Callback }

/** One callback as a device's app saw it. */
export interface Heard {
  /** Server time. */
  readonly at: number
  readonly who: string
  readonly generation: number
  readonly callback: Callback
  readonly inviteID: string
  /** The invitees the callback is about (the invitee, or the list). */
  readonly about: readonly string[]
  readonly data: string
}

export type CrashMode = { readonly kind: 'hot' } | { readonly kind: 'cold'; readonly downMs: number }

export interface Node {
  readonly name: string
  readonly userID: string
  readonly deviceID: string
  readonly transport: MemoryTransport
  signaling: Signaling
  generation: number
  /** Messages this device handed to its transport (every generation). */
  sends: number
}

/** What one crash saved and what the restored instance showed right away. */
export interface Restart {
  readonly who: string
  readonly at: number
  readonly snapshot: EngineSnapshot
  /** `JSON.parse(JSON.stringify(snapshot))` deep-equals the snapshot. */
  readonly plainJson: boolean
  readonly viewsBefore: readonly InvitationView[]
  readonly viewsRestored: readonly InvitationView[]
}

export class Fleet {
  readonly im: MemoryIm
  readonly heard: Heard[] = []
  readonly restarts: Restart[] = []
  readonly #nodes = new Map<string, Node>()
  /** Devices whose app dies right after handing its next message to the IM. */
  readonly #armed = new Set<string>()
  /** What a device that died saved: taken at the moment of death. */
  readonly #saved = new Map<string, { readonly snapshot: EngineSnapshot; readonly json: string; readonly views: readonly InvitationView[] }>()

  constructor(options: MemoryImOptions = {}) {
    this.im = new MemoryIm(options)
  }

  /** Connects a device and starts its first instance. */
  join(userID: string, deviceID = 'default'): Node {
    const name = deviceID === 'default' ? userID : `${userID}/${deviceID}`
    const transport = this.im.connect(userID, { deviceID })
    const node: Node = { name, userID, deviceID, transport, signaling: undefined as unknown as Signaling, generation: 0, sends: 0 }
    node.signaling = this.#start(node)
    this.#nodes.set(name, node)
    return node
  }

  node(name: string): Node {
    const node = this.#nodes.get(name)
    if (node === undefined) throw new Error(`fleet: no device ${name}`)
    return node
  }

  get nodes(): readonly Node[] {
    return [...this.#nodes.values()]
  }

  now(): number {
    return this.im.clock.now()
  }

  /**
   * Makes `name`'s app die right after it hands its next message to the IM — inside the command,
   * before the IM's receipt can reach the engine (the send window). `crash` then brings it back.
   */
  crashOnNextSend(name: string): void {
    this.#armed.add(name)
  }

  /** The app dies: it saves its snapshot (as JSON text) and its instance is closed. */
  #die(node: Node): void {
    if (this.#saved.has(node.name)) return
    const snapshot = node.signaling.snapshot()
    this.#saved.set(node.name, { snapshot, json: JSON.stringify(snapshot), views: node.signaling.listInvitations() })
    node.signaling.close()
  }

  /** Crashes `name`'s app (unless it died already) and brings it back from the snapshot it saved when it died. */
  async crash(name: string, mode: CrashMode): Promise<Restart> {
    const node = this.node(name)
    this.#armed.delete(name)
    this.#die(node)
    const { snapshot, json: saved, views: viewsBefore } = this.#saved.get(name)!
    this.#saved.delete(name)
    if (mode.kind === 'cold') {
      node.transport.disconnect()
      await this.im.clock.advance(mode.downMs)
    }
    node.generation++
    node.signaling = this.#start(node, JSON.parse(saved) as EngineSnapshot)
    const restart: Restart = {
      who: name,
      at: this.now(),
      snapshot,
      plainJson: isDeepStrictEqual(JSON.parse(saved), snapshot),
      viewsBefore,
      viewsRestored: node.signaling.listInvitations(),
    }
    this.restarts.push(restart)
    if (mode.kind === 'cold') node.transport.connect()
    return restart
  }

  /** Lets promise reactions run until `name` has handed a new message to its transport (at most `limit` turns). */
  async untilSent(name: string, before: number, limit = 50): Promise<void> {
    const node = this.node(name)
    for (let i = 0; i < limit && node.sends === before; i++) await Promise.resolve()
    if (node.sends === before) await flushMicrotasks()
  }

  #start(node: Node, restore?: EngineSnapshot): Signaling {
    const generation = node.generation
    const signaling = createSignaling({
      transport: tap(node.transport, () => {
        node.sends++
        if (this.#armed.delete(node.name)) this.#die(node)
      }),
      ids: counterIds(`${node.name}#${generation}:`),
      ...(restore === undefined ? {} : { restore }),
    })
    hearEvery(signaling, (callback, inviteID, _who, about, data) => {
      this.heard.push({ at: this.now(), who: node.name, generation, callback, inviteID, about, data })
    })
    return signaling
  }
}

/** The transport as the app sees it, telling `afterSend` each time the IM has taken a message (MemoryIm takes it during `send`). */
const tap = (transport: MemoryTransport, afterSend: () => void): ImTransport =>
  new Proxy(transport, {
    get(target, property) {
      if (property === 'send') {
        return (...args: Parameters<MemoryTransport['send']>) => {
          const receipt = target.send(...args)
          afterSend()
          return receipt
        }
      }
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
  })
