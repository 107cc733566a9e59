/**
 * Keeping a device's place (`place.ts`) in the app's store as the device reads on, so that a new
 * process of the same device resumes catch-up where the old one stopped and sits in its rooms
 * again, however long it was down.
 *
 * The position saved must never be ahead of the app's own saved `snapshot()`: a message past the
 * saved position is not read again after a restart, so it must already be in the snapshot the
 * app restores. Positions are therefore saved with a lag. While the device is caught up, every
 * message archived before the server's current time has reached the app or is on the wire, so the
 * keeper takes a checkpoint of the server's time every half `saveDelayMs`, and saves it as the
 * position of the user's archive and of every room it was sitting in only once `saveDelayMs` has
 * passed with the device still caught up — time for messages on the wire to arrive, for the
 * facade to handle them and for the app to save its snapshot (the facade's
 * `addStateChangeListener`). Reading a few seconds twice after a restart costs nothing: the engine
 * absorbs what its snapshot already holds.
 *
 * A room joined because this user was invited to it is read from its invitation's time on; its
 * position stays there until that read has been delivered. A room this device creates or joins
 * itself starts at the moment it does.
 *
 * @module
 */
import { monotonicNow } from './serverTime.js'
import { encodePlace, loadPlace, type DevicePlace } from './place.js'
import type { Room, RoomObserver } from './rooms.js'
import type { KeyValueStore } from './store.js'

export interface PlaceKeeperOptions {
  /** The app's store; without one the keeper remembers nothing and a new process starts afresh. */
  readonly store: KeyValueStore | undefined
  readonly key: string
  /** The estimate of the server's clock. */
  readonly serverNow: () => number
  /** How long a position waits, once reached, before it is saved. */
  readonly saveDelayMs: number
  readonly onError: (error: unknown) => void
  /** Runs `tick` every `ms` until the returned function is called. Default: `setInterval`. */
  readonly every?: (ms: number, tick: () => void) => () => void
}

interface Checkpoint {
  /** Local monotonic time when taken. */
  readonly local: number
  /** The server's time then. */
  readonly at: number
  /** The rooms whose archive was delivered up to `at` (joined, not being read). */
  readonly rooms: readonly string[]
}

interface KeptRoom {
  readonly groupID: string
  readTo: number
  room: Room | undefined
}

const everyInterval = (ms: number, tick: () => void): (() => void) => {
  const timer = setInterval(tick, ms)
  return () => clearInterval(timer)
}

export class PlaceKeeper implements RoomObserver {
  readonly #options: PlaceKeeperOptions
  readonly #rooms = new Map<string, KeptRoom>()
  /** Rooms whose archive is being read, with the time the read starts from. */
  readonly #reading = new Map<string, number>()
  #userReadTo: number | undefined
  #restored: Promise<DevicePlace | undefined> | undefined
  #checkpoints: Checkpoint[] = []
  #stopTicking: (() => void) | undefined
  #writing: Promise<void> | undefined
  #dirty = false
  /** Nothing is written before the saved place was read: it would be overwritten with less. */
  #loaded = false

  constructor(options: PlaceKeeperOptions) {
    this.#options = options
  }

  /** The place a previous process saved (read once; later calls share the answer). */
  restore(): Promise<DevicePlace | undefined> {
    this.#restored ??= this.#load()
    return this.#restored
  }

  async #load(): Promise<DevicePlace | undefined> {
    const { store, key } = this.#options
    if (store === undefined) return undefined
    const place = await loadPlace(store, key).catch((error: unknown) => {
      this.#options.onError(error)
      return undefined
    })
    if (place !== undefined) {
      this.#userReadTo ??= place.userReadTo
      for (const [jid, room] of Object.entries(place.rooms)) if (!this.#rooms.has(jid)) this.#rooms.set(jid, { ...room, room: undefined })
    }
    this.#loaded = true
    if (this.#dirty) this.#save()
    return place
  }

  /**
   * Where a process's first catch-up reads the user's archive from: `marginMs` before the saved
   * position, or `fallback` if that is earlier. With nothing saved yet, `fallback` becomes the
   * position (nothing before it will have reached the app).
   */
  userFrom(fallback: number, marginMs: number): number {
    if (this.#userReadTo === undefined) {
      this.#userReadTo = fallback
      this.#save()
      return fallback
    }
    return Math.min(this.#userReadTo - marginMs, fallback)
  }

  /** Where a process's first catch-up reads a restored room's archive from (as {@link userFrom}). */
  roomFrom(jid: string, fallback: number, marginMs: number): number {
    const kept = this.#rooms.get(jid)
    return kept === undefined ? fallback : Math.min(kept.readTo - marginMs, fallback)
  }

  /**
   * The archive of room `jid` is about to be read from `since` (a room this user was invited to):
   * its position stays at `since` until the returned function says the read was delivered.
   */
  reading(jid: string, since: number): () => void {
    this.#reading.set(jid, Math.min(since, this.#reading.get(jid) ?? since))
    const kept = this.#rooms.get(jid)
    if (kept !== undefined && since < kept.readTo) {
      kept.readTo = since
      this.#save()
    }
    return () => void this.#reading.delete(jid)
  }

  /** A room entered the device's registry: keep it (from the moment it did, unless being read). */
  added(room: Room): void {
    const kept = this.#rooms.get(room.jid)
    if (kept !== undefined) {
      kept.room = room
      return
    }
    this.#rooms.set(room.jid, { groupID: room.groupID, readTo: this.#reading.get(room.jid) ?? this.#options.serverNow(), room })
    this.#save()
  }

  /** The device left the room, or it is gone: a restart must not sit in it again. */
  removed(room: Room): void {
    const kept = this.#rooms.get(room.jid)
    if (kept === undefined || (kept.room !== undefined && kept.room !== room)) return
    this.#rooms.delete(room.jid)
    this.#save()
  }

  /** The device has caught up: from now on, its positions advance (with the lag). */
  caughtUp(localNow: number = monotonicNow()): void {
    if (this.#options.store === undefined) return
    this.#checkpoints = [this.#checkpoint(localNow)]
    this.#stopTicking ??= (this.#options.every ?? everyInterval)(Math.max(1, this.#options.saveDelayMs / 2), () => this.tick(monotonicNow()))
  }

  /** The device is no longer caught up (connection lost, or the app disconnected it): nothing it reached meanwhile is certain. */
  lost(): void {
    this.#checkpoints = []
    this.#stopTicking?.()
    this.#stopTicking = undefined
  }

  /** Save the newest checkpoint that has waited `saveDelayMs`, and take a new one. */
  tick(localNow: number): void {
    if (this.#stopTicking === undefined) return
    const due = this.#checkpoints.filter((checkpoint) => localNow - checkpoint.local >= this.#options.saveDelayMs)
    const newest = due[due.length - 1]
    if (newest !== undefined) {
      this.#checkpoints = this.#checkpoints.slice(due.length)
      this.#commit(newest)
    }
    this.#checkpoints.push(this.#checkpoint(localNow))
  }

  /** Resolves once every save started so far is done. */
  async flush(): Promise<void> {
    while (this.#writing !== undefined) await this.#writing
  }

  #checkpoint(localNow: number): Checkpoint {
    const rooms = [...this.#rooms].filter(([jid, kept]) => kept.room?.joined === true && !this.#reading.has(jid)).map(([jid]) => jid)
    return { local: localNow, at: this.#options.serverNow(), rooms }
  }

  #commit(checkpoint: Checkpoint): void {
    let changed = false
    if (this.#userReadTo === undefined || checkpoint.at > this.#userReadTo) {
      this.#userReadTo = checkpoint.at
      changed = true
    }
    for (const jid of checkpoint.rooms) {
      const kept = this.#rooms.get(jid)
      if (kept === undefined || checkpoint.at <= kept.readTo) continue
      kept.readTo = checkpoint.at
      changed = true
    }
    if (changed) this.#save()
  }

  #place(): DevicePlace {
    const rooms = Object.fromEntries([...this.#rooms].map(([jid, kept]) => [jid, { groupID: kept.groupID, readTo: kept.readTo }]))
    return { userReadTo: this.#userReadTo, rooms }
  }

  /** Write the place; one write at a time, and the latest state wins. */
  #save(): void {
    const { store, key } = this.#options
    if (store === undefined) return
    if (this.#writing !== undefined || !this.#loaded) {
      this.#dirty = true
      return
    }
    this.#writing = (async () => {
      do {
        this.#dirty = false
        await store.set(key, encodePlace(this.#place())).catch((error: unknown) => this.#options.onError(error))
      } while (this.#dirty)
      this.#writing = undefined
    })()
  }
}
