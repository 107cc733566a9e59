/**
 * The offline store: every stored (not online-only) message, kept per addressed user in server
 * order for a retention period, so devices that were away — or are new — can catch up.
 *
 * @module
 */
import type { Clock, Conversation, IncomingMessage } from '@beckon/core'

/**
 * One stored message: a single record, however many users it is stored for. Every user's backlog
 * holds the record itself, and a user's view of it is derived ({@link viewFor}): a store that
 * kept a copy, an entry and a sent record per user and message retained ~590 bytes per 1:1
 * message, and a run that never lets time pass retains every message it sends.
 */
export interface Posting {
  /** Server order: one sequence number per message, shared by every user it is stored for. */
  readonly seq: number
  /** Where the sender sent it. */
  readonly to: Conversation
  /**
   * The message as its addressees see it (every member of a group but the sender, or the
   * addressee of a 1:1 message); the sender's own copy, the carbon, is derived from it.
   */
  readonly message: IncomingMessage
}

/** The sender's own copy of a message (a carbon): the conversation they sent to, from another of their devices. */
export const carbonOf = (message: IncomingMessage, to: Conversation): IncomingMessage => ({
  messageID: message.messageID,
  sender: message.sender,
  senderDevice: message.senderDevice,
  payload: message.payload,
  serverTime: message.serverTime,
  modified: message.modified,
  onlineUserOnly: message.onlineUserOnly ?? false,
  conversation: to,
  fromMyOtherDevice: true,
})

/** The stored message as `userID`'s devices receive it: the carbon for its sender, else the shared view. */
export const viewFor = (posting: Posting, userID: string): IncomingMessage =>
  userID === posting.message.sender ? carbonOf(posting.message, posting.to) : posting.message

/** The device a stored message is not for: the sending device, in its sender's backlog. */
export const excludedDevice = (posting: Posting, userID: string): string | undefined =>
  userID === posting.message.sender ? posting.message.senderDevice : undefined

/** Index of the first posting with `seq >= wanted` (postings are sorted by seq). */
const lowerBound = (postings: readonly Posting[], wanted: number): number => {
  let [low, high] = [0, postings.length]
  while (low < high) {
    const middle = (low + high) >> 1
    if (postings[middle]!.seq < wanted) low = middle + 1
    else high = middle
  }
  return low
}

/** Stored messages per user, dropped once older (by server time) than the retention period. */
export class MessageStore {
  readonly #byUser = new Map<string, Posting[]>()
  readonly #sent: SentIndex
  #nextSeq = 1

  constructor(
    private readonly clock: Clock,
    private readonly retentionMs: number,
  ) {
    this.#sent = new SentIndex(() => clock.now() - retentionMs)
  }

  /** The sequence number the next stored message will get: everything before it is placed. */
  get nextSeq(): number {
    return this.#nextSeq
  }

  /**
   * A new stored message, in server order; `number` is the sender-facing message number (the
   * digits of its id), by which {@link sent} finds it again. A replacement passes none: it keeps
   * the original's id, and only originals may be replaced.
   */
  post(to: Conversation, message: IncomingMessage, number: number | undefined): Posting {
    const posting: Posting = { seq: this.#nextSeq++, to, message }
    if (number !== undefined) this.#sent.record(number, posting)
    return posting
  }

  /** Store a message for a user. */
  store(userID: string, posting: Posting): void {
    const postings = this.#byUser.get(userID)
    if (postings === undefined) return void this.#byUser.set(userID, [posting])
    postings.push(posting)
    this.#prune(postings)
  }

  /** The user's retained message with this sequence number, if any. */
  entry(userID: string, seq: number): Posting | undefined {
    const postings = this.#byUser.get(userID) ?? []
    this.#prune(postings)
    const found = postings[lowerBound(postings, seq)]
    return found?.seq === seq ? found : undefined
  }

  /** The user's first retained message with a sequence number at or after `seq`. */
  firstFrom(userID: string, seq: number): Posting | undefined {
    const postings = this.#byUser.get(userID)
    if (postings === undefined) return undefined
    this.#prune(postings)
    return postings[lowerBound(postings, seq)]
  }

  /** The retained original with this message number, for `replace`. */
  sent(number: number): Posting | undefined {
    return this.#sent.find(number)
  }

  #prune(postings: Posting[]): void {
    const horizon = this.clock.now() - this.retentionMs
    let expired = 0
    while (expired < postings.length && postings[expired]!.message.serverTime < horizon) expired++
    if (expired > 0) postings.splice(0, expired)
  }
}

/**
 * Stored originals by message number, for `replace`: an array from the oldest retained number on
 * (online-only messages leave holes), not a map keyed by id, which cost a hash entry per message.
 * Numbers come in server-time order, so what passed retention is always at the front.
 */
class SentIndex {
  #postings: (Posting | undefined)[] = []
  /** The message number of `#postings[#head]`. */
  #base = 1
  #head = 0

  constructor(private readonly horizon: () => number) {}

  record(number: number, posting: Posting): void {
    if (this.#postings.length === this.#head) this.#base = number - (this.#postings.length - this.#head)
    while (this.#base + this.#postings.length - this.#head < number) this.#postings.push(undefined)
    this.#postings.push(posting)
    this.#forgetExpired()
  }

  find(number: number): Posting | undefined {
    const posting = this.#postings[this.#head + number - this.#base]
    return posting !== undefined && posting.message.serverTime >= this.horizon() ? posting : undefined
  }

  #forgetExpired(): void {
    const horizon = this.horizon()
    const postings = this.#postings
    while (this.#head < postings.length && (postings[this.#head]?.message.serverTime ?? Number.NEGATIVE_INFINITY) < horizon) {
      postings[this.#head++] = undefined
      this.#base++
    }
    if (this.#head > 1_024 && this.#head * 2 > postings.length) {
      postings.splice(0, this.#head)
      this.#head = 0
    }
  }
}
