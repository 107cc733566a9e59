/**
 * A device's place: what it must remember across process restarts to catch up where it stopped —
 * how far it has read each archive (its user's, and each room's), and which rooms it sits in. It
 * is stored as one small JSON value per device under {@link placeKey}, through the app's
 * {@link KeyValueStore}.
 *
 * Positions are server times (ms), not archive ids: every MAM server filters by time, a stamp
 * still works once the message it came from has expired from the archive (an id then fails with
 * `item-not-found`), and reading a little too far back costs nothing, since every copy of a
 * message is de-duplicated — by the inbox within a process, by the engine's tombstones across
 * processes.
 *
 * @module
 */
import type { KeyValueStore } from './store.js'

/** How far one archive has been read and delivered: everything it archived before `readTo`. */
export interface RoomPlace {
  readonly groupID: string
  /** Server time (ms): every message this room archived before it has reached the app. */
  readonly readTo: number
}

/** What a device keeps across restarts. */
export interface DevicePlace {
  /** Server time (ms): every message the user's archive holds from before it has reached the app. */
  readonly userReadTo: number | undefined
  /** The rooms this device sits in, by room JID. */
  readonly rooms: Readonly<Record<string, RoomPlace>>
}

const FORMAT = 'beckon.adapter-im.place/1'

/** The store key of a device's place: one per user and device, so devices may share a store. */
export const placeKey = (bareJid: string, device: string): string => `${FORMAT}/${bareJid}/${device}`

export const encodePlace = (place: DevicePlace): string =>
  JSON.stringify({ format: FORMAT, userReadTo: place.userReadTo ?? null, rooms: place.rooms })

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0

/** Read a stored place back; `undefined` for anything that is not one (the device then starts afresh). */
export const decodePlace = (text: string): DevicePlace | undefined => {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  const { format, userReadTo, rooms } = value as Record<string, unknown>
  if (format !== FORMAT || (userReadTo !== null && !isTime(userReadTo)) || typeof rooms !== 'object' || rooms === null) return undefined
  const decoded: Record<string, RoomPlace> = Object.create(null) as Record<string, RoomPlace>
  for (const [jid, room] of Object.entries(rooms)) {
    const { groupID, readTo } = (room ?? {}) as Record<string, unknown>
    if (typeof groupID !== 'string' || groupID === '' || !isTime(readTo)) return undefined
    decoded[jid] = { groupID, readTo }
  }
  return { userReadTo: userReadTo ?? undefined, rooms: decoded }
}

/** Load a device's place; `undefined` when none was stored. Rejects when the store fails or holds something else. */
export const loadPlace = async (store: KeyValueStore, key: string): Promise<DevicePlace | undefined> => {
  const text = await store.get(key)
  if (text === undefined) return undefined
  const place = decodePlace(text)
  if (place === undefined) throw new Error(`the stored place ${key} is not one this version reads; starting afresh`)
  return place
}
