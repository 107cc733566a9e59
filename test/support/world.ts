/**
 * A small world for signaling tests: one `MemoryIm`, named devices each running
 * `createSignaling`, and every listener callback recorded as a readable line, e.g.
 * `bob/phone: onReceiveNewInvitation(alice:0001, alice, '', [bob], room)`.
 *
 * A device is named by its user alone on the `'default'` device, else `user/device`.
 * Ids are deterministic: each device draws `name:0001`, `name:0002`, … unless given `ids`.
 *
 * @module
 */
import { createSignaling, SignalingError, type Signaling, type SignalingOptions } from '@beckon/core'
import { MemoryIm, type ClockSkew, type MemoryImOptions, type MemoryTransport } from '@beckon/adapter-memory'
import { recordEvery } from './callbacks.js'

/** One callback a device's listener received. */
export interface Call {
  /** Milliseconds since the world was made (IM server clock). */
  readonly at: number
  /** The device's name. */
  readonly who: string
  /** The callback as text, without the device's name. */
  readonly text: string
}

/** One connected device and its signaling API. */
export interface Party {
  readonly name: string
  readonly userID: string
  readonly deviceID: string
  readonly signaling: Signaling
  readonly transport: MemoryTransport
  /** This device's callbacks as text (without its name), in order. */
  calls(): string[]
}

export interface JoinOptions {
  readonly deviceID?: string
  /** The id source for this device (invite, command and action ids). */
  readonly ids?: () => string
  /** Give the device a local clock off the IM server's. */
  readonly clockSkew?: ClockSkew
  readonly signaling?: Omit<SignalingOptions, 'transport' | 'ids'>
}

/** `room` stays bare, `''` shows the empty string, anything else is JSON-quoted. */
const show = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`
  if (value === '') return "''"
  if (typeof value === 'string' && /^[\w.:/@-]+$/.test(value)) return value
  return JSON.stringify(value)
}

const line = (name: string, args: readonly unknown[]): string => `${name}(${args.map(show).join(', ')})`

/** A counter of ids `prefix0001`, `prefix0002`, … that sort in the order they were drawn. */
export const counterIds = (prefix: string): (() => string) => {
  let n = 0
  return () => `${prefix}${String(++n).padStart(4, '0')}`
}

export class World {
  readonly im: MemoryIm
  readonly start: number
  readonly #calls: Call[] = []
  readonly #parties = new Map<string, Party>()

  constructor(options: MemoryImOptions = {}) {
    this.im = new MemoryIm(options)
    this.start = this.im.clock.now()
  }

  /** Connects a device of `userID` and starts its signaling, recording every callback. */
  join(userID: string, options: JoinOptions = {}): Party {
    const deviceID = options.deviceID ?? 'default'
    const name = deviceID === 'default' ? userID : `${userID}/${deviceID}`
    if (this.#parties.has(name)) throw new Error(`world: ${name} already joined`)
    const transport = this.im.connect(userID, options.clockSkew === undefined ? { deviceID } : { deviceID, clockSkew: options.clockSkew })
    const signaling = createSignaling({ ...options.signaling, transport, ids: options.ids ?? counterIds(`${name}:`) })
    const record =
      (callback: string) =>
      (...args: unknown[]): void => {
        this.#calls.push({ at: this.now(), who: name, text: line(callback, args) })
      }
    recordEvery(signaling, record)
    const party: Party = {
      name,
      userID,
      deviceID,
      signaling,
      transport,
      calls: () => this.#calls.filter((call) => call.who === name).map((call) => call.text),
    }
    this.#parties.set(name, party)
    return party
  }

  /** Milliseconds of server time since the world was made. */
  now(): number {
    return this.im.clock.now() - this.start
  }

  /** Every callback so far, as `who: text`, in the order they happened. */
  log(): string[] {
    return this.#calls.map((call) => `${call.who}: ${call.text}`)
  }

  /** Every callback so far as `ms who: text`, with its time in ms since the world was made. */
  timeline(): string[] {
    return this.#calls.map((call) => `${call.at} ${call.who}: ${call.text}`)
  }

  /** Every callback so far, with its time. */
  calls(): readonly Call[] {
    return [...this.#calls]
  }

  /** Forgets the callbacks recorded so far (the Arrange step's noise). */
  clearLog(): void {
    this.#calls.length = 0
  }

  /** Delivers everything in flight now. */
  settle(): Promise<void> {
    return this.im.settle()
  }

  /** Moves virtual time forward by `ms`. */
  advance(ms: number): Promise<void> {
    return this.im.clock.advance(ms)
  }

  /** Moves virtual time to `ms` since the world was made. */
  async advanceTo(ms: number): Promise<void> {
    const delta = ms - this.now()
    if (delta < 0) throw new RangeError(`world: time ${ms} is already past (now ${this.now()})`)
    await this.im.clock.advance(delta)
  }
}

/** A fresh world with alice and bob, each on their default device. */
export const aliceAndBob = (): { world: World; alice: Party; bob: Party } => {
  const world = new World()
  return { world, alice: world.join('alice'), bob: world.join('bob') }
}

/** A fresh world with alice, bob and carol on their default devices, and alice's group `g` of bob and carol. */
export const groupOfBobAndCarol = async (): Promise<{ world: World; alice: Party; bob: Party; carol: Party }> => {
  const { world, alice, bob } = aliceAndBob()
  const carol = world.join('carol')
  await alice.transport.createGroup('g', ['bob', 'carol'])
  return { world, alice, bob, carol }
}

/** The seconds a test invitation waits: an ordinary `timeout`. */
export const TIMEOUT_S = 30
export const SECOND = 1000

/**
 * How a command's promise settled: `'resolved'`, or the `SignalingError` code it rejected with.
 *
 * @example
 * ```ts
 * expect(await outcome(bob.signaling.accept('nope'))).toBe(8010)
 * ```
 */
export const outcome = (promise: Promise<unknown>): Promise<number | 'resolved' | 'not a SignalingError'> =>
  promise.then(
    () => 'resolved' as const,
    (error: unknown) => (error instanceof SignalingError ? error.code : ('not a SignalingError' as const)),
  )
