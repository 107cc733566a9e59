/**
 * Invitee id → position in an invitation's `invitees`, the lookup every answer needs. A derived
 * cache, built on first use and never saved.
 *
 * A `Map` costs 29–56 bytes an entry (more just past each doubling) and was most of the memory a
 * pending invitee costs in a big group. This is an open-addressing table of positions in an
 * `Int32Array` at most 70 % full: 6–12 bytes an entry, no per-entry objects for the GC to trace.
 * Ids are chosen by whoever sends the invite, so a run of colliding ids could make probing slow;
 * past a probe length no honest hash produces, the table gives way to a `Map`.
 *
 * @module
 */

const EMPTY = -1
/** Far above what FNV-1a gives real ids at ≤ 70 % load; only crafted collisions get here. */
const MAX_PROBE = 64

/** FNV-1a over UTF-16 code units, 32-bit. */
const hash = (id: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

export interface InviteeIndex {
  /** The position of `id`, or -1. */
  get(id: string): number
}

class HashedIndex implements InviteeIndex {
  constructor(
    private readonly ids: readonly string[],
    private readonly slots: Int32Array,
  ) {}

  get(id: string): number {
    const mask = this.slots.length - 1
    for (let slot = hash(id) & mask; ; slot = (slot + 1) & mask) {
      const position = this.slots[slot]!
      if (position === EMPTY) return -1
      if (this.ids[position] === id) return position
    }
  }
}

class MapIndex implements InviteeIndex {
  readonly #positions = new Map<string, number>()
  constructor(ids: readonly string[]) {
    for (let i = 0; i < ids.length; i++) this.#positions.set(ids[i]!, i)
  }
  get(id: string): number {
    return this.#positions.get(id) ?? -1
  }
}

/** Indexes `ids` (distinct, as invitees are). */
export const buildInviteeIndex = (ids: readonly string[]): InviteeIndex => {
  let capacity = 16
  while (capacity * 0.7 < ids.length) capacity *= 2
  const slots = new Int32Array(capacity).fill(EMPTY)
  const mask = capacity - 1
  for (let i = 0; i < ids.length; i++) {
    let slot = hash(ids[i]!) & mask
    for (let probe = 0; slots[slot] !== EMPTY; probe++) {
      if (probe > MAX_PROBE) return new MapIndex(ids)
      slot = (slot + 1) & mask
    }
    slots[slot] = i
  }
  return new HashedIndex(ids, slots)
}
