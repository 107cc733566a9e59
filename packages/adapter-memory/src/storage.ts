/**
 * The offline store: every stored (not online-only) message, kept per addressed user in server
 * order for a retention period, so devices that were away — or are new — can catch up.
 *
 * @module
 */
import type { Clock, Conversation, IncomingMessage } from '@beckon/core'

/** One message as stored for one user. */
export interface StoredEntry {
  /** Server order: one sequence number per message, shared by every user's copy of it. */
  readonly seq: number
  /** The sending user. */
  readonly from: string
  /** The message as this user's devices receive it. */
  readonly message: IncomingMessage
  /** The device that sent it, which gets no copy of its own message. */
  readonly excludeDevice: string | undefined
}

/** What the server remembers of a sent stored message, so its sender may replace it. */
export interface SentRecord {
  readonly sender: string
  readonly to: Conversation
  readonly serverTime: number
}

/** Index of the first entry with `seq >= wanted` (entries are sorted by seq). */
const lowerBound = (entries: readonly StoredEntry[], wanted: number): number => {
  let [low, high] = [0, entries.length]
  while (low < high) {
    const middle = (low + high) >> 1
    if (entries[middle]!.seq < wanted) low = middle + 1
    else high = middle
  }
  return low
}

/** Stored messages per user, dropped once older (by server time) than the retention period. */
export class MessageStore {
  readonly #byUser = new Map<string, StoredEntry[]>()
  readonly #sent = new Map<string, SentRecord>()
  /**
   * The ids in `#sent` and their server times, oldest first from `#sentHead` on: what to forget
   * as they pass retention, found without walking the map (an iterator per message sent).
   */
  readonly #sentIDs: string[] = []
  readonly #sentTimes: number[] = []
  #sentHead = 0
  #nextSeq = 1

  constructor(
    private readonly clock: Clock,
    private readonly retentionMs: number,
  ) {}

  /** The sequence number the next stored message will get: everything before it is placed. */
  get nextSeq(): number {
    return this.#nextSeq
  }

  /** Reserve the next sequence number for a message about to be stored. */
  allocate(): number {
    return this.#nextSeq++
  }

  /** Store a copy of a message for a user. */
  store(userID: string, entry: StoredEntry): void {
    const entries = this.#byUser.get(userID)
    if (entries === undefined) return void this.#byUser.set(userID, [entry])
    entries.push(entry)
    this.#prune(entries)
  }

  /** The user's retained entry with this sequence number, if any. */
  entry(userID: string, seq: number): StoredEntry | undefined {
    const entries = this.#byUser.get(userID) ?? []
    this.#prune(entries)
    const found = entries[lowerBound(entries, seq)]
    return found?.seq === seq ? found : undefined
  }

  /** The user's first retained entry with a sequence number at or after `seq`. */
  firstFrom(userID: string, seq: number): StoredEntry | undefined {
    const entries = this.#byUser.get(userID)
    if (entries === undefined) return undefined
    this.#prune(entries)
    return entries[lowerBound(entries, seq)]
  }

  /** Remember who sent a stored message where, for `replace`. */
  recordSent(messageID: string, record: SentRecord): void {
    this.#sent.set(messageID, record)
    this.#sentIDs.push(messageID)
    this.#sentTimes.push(record.serverTime)
    const horizon = this.clock.now() - this.retentionMs
    // Records come in server-time order: stop at the first young one.
    while (this.#sentHead < this.#sentTimes.length && this.#sentTimes[this.#sentHead]! < horizon) this.#sent.delete(this.#sentIDs[this.#sentHead++]!)
    if (this.#sentHead > 1_024 && this.#sentHead * 2 > this.#sentTimes.length) {
      this.#sentIDs.splice(0, this.#sentHead)
      this.#sentTimes.splice(0, this.#sentHead)
      this.#sentHead = 0
    }
  }

  /** The record of a retained sent message. */
  sent(messageID: string): SentRecord | undefined {
    const record = this.#sent.get(messageID)
    return record !== undefined && record.serverTime >= this.clock.now() - this.retentionMs ? record : undefined
  }

  #prune(entries: StoredEntry[]): void {
    const horizon = this.clock.now() - this.retentionMs
    let expired = 0
    while (expired < entries.length && entries[expired]!.message.serverTime < horizon) expired++
    if (expired > 0) entries.splice(0, expired)
  }
}
