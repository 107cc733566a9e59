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
 * A slot also keeps the bits of its id's hash that did not choose the slot, so a probe reads an
 * id only when the two agree: in a CPU profile of a group answer, reading the ids of slots that
 * merely collided (each a cache miss on a string) was a third of a lookup's time.
 *
 * @module
 */

/**
 * Slots hold a position plus one in the bits the table's mask keeps (a position is smaller than
 * the table), so a slot of a fresh (zeroed) `Int32Array` is empty: filling the table with a marker
 * first was a pass over it per invitation. The bits above hold the id's hash there.
 */
const EMPTY = 0
/** Far above what this hash gives real ids at ≤ 70 % load; only crafted collisions get here. */
const MAX_PROBE = 64

/**
 * A 32-bit hash of the id's UTF-16 code units, two units per round (a multiply and a shift, then
 * murmur3's finaliser to spread the bits). Byte-at-a-time FNV-1a made hashing the largest single
 * cost of a group answer's step (~13 % in a CPU profile); this takes half the rounds: 37–40 ns
 * against 67–101 ns a lookup of a 14-character id (a `Map` took 58–60 ns). Exported for tests
 * that craft colliding ids.
 *
 * Signed: only its bits are used, and where V8 does not inline it, a result past 2³¹ - 1 came
 * back as a heap number, an allocation per call for half the ids.
 */
export const hash = (id: string): number => {
  const length = id.length
  let h = length
  let i = 0
  for (; i + 1 < length; i += 2) {
    h = Math.imul(h ^ (id.charCodeAt(i) | (id.charCodeAt(i + 1) << 16)), 0x9e3779b1)
    h ^= h >>> 15
  }
  if (i < length) h = Math.imul(h ^ id.charCodeAt(i), 0x9e3779b1)
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  return h | 0
}

/**
 * An index: the table of positions itself, or a `Map` where crafted ids collide. Both are
 * built-in objects whose hidden class lives as long as the runtime. (A class of our own holding the
 * table lost its hidden class whenever the last index died in a collection, and the engine's
 * optimised code died with it: the first group invitation after a full GC ran deoptimised.)
 */
export type InviteeIndex = Int32Array | Map<string, number>

/** The position of `id` in `ids`, which `index` was built from, or -1. */
export const positionIn = (index: InviteeIndex, ids: readonly string[], id: string): number => {
  if (!(index instanceof Int32Array)) return index.get(id) ?? -1
  const mask = index.length - 1
  const h = hash(id)
  const tag = h & ~mask
  for (let slot = h & mask; ; slot = (slot + 1) & mask) {
    const stored = index[slot]!
    if (stored === EMPTY) return -1
    if ((stored & ~mask) === tag && ids[(stored & mask) - 1] === id) return (stored & mask) - 1
  }
}

const mapOf = (ids: readonly string[]): Map<string, number> => {
  const positions = new Map<string, number>()
  for (let i = 0; i < ids.length; i++) positions.set(ids[i]!, i)
  return positions
}

/** Indexes `ids` (distinct, as invitees are). */
export const buildInviteeIndex = (ids: readonly string[]): InviteeIndex => {
  let capacity = 16
  while (capacity * 0.7 < ids.length) capacity *= 2
  const slots = new Int32Array(capacity)
  const mask = capacity - 1
  for (let i = 0; i < ids.length; i++) {
    const h = hash(ids[i]!)
    let slot = h & mask
    for (let probe = 0; slots[slot] !== EMPTY; probe++) {
      if (probe > MAX_PROBE) return mapOf(ids)
      slot = (slot + 1) & mask
    }
    slots[slot] = (h & ~mask) | (i + 1)
  }
  return slots
}
