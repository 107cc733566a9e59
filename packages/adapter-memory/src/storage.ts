/**
 * The offline store: every stored (not online-only) message, kept in server order for a
 * retention period and listed per addressed user, so devices that were away — or are new — can
 * catch up.
 *
 * @module
 */
import type { Clock, Conversation, IncomingMessage } from '@beckon/core'
import type { DeviceAddress } from './network.js'

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

/** Index of the first of `seqs` (sorted) that is `>= wanted`. */
const lowerBound = (seqs: readonly number[], wanted: number): number => {
  let [low, high] = [0, seqs.length]
  while (low < high) {
    const middle = (low + high) >> 1
    if (seqs[middle]! < wanted) low = middle + 1
    else high = middle
  }
  return low
}

/**
 * Stored messages, dropped once older (by server time) than the retention period.
 *
 * A stored message is a sequence number (server order, one per message however many users it is
 * stored for) naming a row of columns: its payload, sending device, conversations, server time,
 * message number and whether it replaces another. A user's backlog is a list of sequence numbers;
 * what a device receives from the store is built from the row when it catches up. A run that never
 * lets time pass keeps every message it sends, and every object kept per message is one the
 * garbage collector copies out of the young generation and marks again later: a record and a
 * message object per stored message, with its boxed server time and its id, were about a third
 * of what the IM added to 1:1 lifecycles; the columns keep the payload alone as an object.
 */
export class MessageStore {
  /** The rows, from the oldest retained (`#head`) on; `#payloads[0]` is the row of sequence number `#base`. */
  #payloads: (string | undefined)[] = []
  #senders: (DeviceAddress | undefined)[] = []
  /** Where the sender sent it. */
  #to: (Conversation | undefined)[] = []
  /** The conversation it is in for its addressees: the group, or (1:1) the sender. */
  #seenBy: (Conversation | undefined)[] = []
  #times: number[] = []
  /** The digits of its id (`m<number>`): a replacement keeps the original's. */
  #numbers: number[] = []
  #replaces: boolean[] = []
  #base = 1
  #head = 0
  /** Each user's stored messages, by sequence number, in server order; the front may have expired. */
  readonly #byUser = new Map<string, number[]>()
  readonly #sent = new SentIndex()

  constructor(
    private readonly clock: Clock,
    private readonly retentionMs: number,
  ) {}

  /** The sequence number the next stored message will get: everything before it is placed. */
  get nextSeq(): number {
    return this.#base + this.#payloads.length
  }

  /**
   * Store a new message (its addressees' view, `message`, sent by `sender` to `to`) in server
   * order; returns its sequence number. `number` is the digits of its id; an original (not a
   * replacement) is found by it again with {@link sentTo}.
   */
  post(sender: DeviceAddress, to: Conversation, message: IncomingMessage, number: number, original: boolean): number {
    this.#prune()
    const seq = this.nextSeq
    this.#payloads.push(message.payload)
    this.#senders.push(sender)
    this.#to.push(to)
    this.#seenBy.push(message.conversation)
    this.#times.push(message.serverTime)
    this.#numbers.push(number)
    this.#replaces.push(message.modified)
    if (original) this.#sent.record(number, seq)
    return seq
  }

  /** List a stored message in a user's backlog. */
  store(userID: string, seq: number): void {
    const seqs = this.#byUser.get(userID)
    if (seqs === undefined) return void this.#byUser.set(userID, [seq])
    seqs.push(seq)
    this.#pruneUser(seqs)
  }

  /** Whether the user's backlog has this still retained message. */
  has(userID: string, seq: number): boolean {
    const seqs = this.#retainedOf(userID)
    return seqs !== undefined && seqs[lowerBound(seqs, seq)] === seq
  }

  /** The user's first retained message with a sequence number at or after `seq`. */
  firstFrom(userID: string, seq: number): number | undefined {
    const seqs = this.#retainedOf(userID)
    return seqs?.[lowerBound(seqs, seq)]
  }

  /** The device a stored message is not for: the sending device, in its sender's backlog. */
  excludedDevice(seq: number, userID: string): string | undefined {
    const sender = this.#senders[seq - this.#base]!
    return userID === sender.userID ? sender.deviceID : undefined
  }

  /** A retained message as `userID`'s devices receive it: the carbon for its sender, else the addressees' view. */
  viewFor(seq: number, userID: string): IncomingMessage {
    const row = seq - this.#base
    const sender = this.#senders[row]!
    const mine = userID === sender.userID
    return {
      messageID: `m${this.#numbers[row]!}`,
      sender: sender.userID,
      senderDevice: sender.deviceID,
      payload: this.#payloads[row]!,
      serverTime: this.#times[row]!,
      modified: this.#replaces[row]!,
      onlineUserOnly: false,
      conversation: mine ? this.#to[row]! : this.#seenBy[row]!,
      fromMyOtherDevice: mine,
    }
  }

  /** Where `userID` sent the retained original with this message number, if they sent it. */
  sentTo(number: number, userID: string): Conversation | undefined {
    this.#prune()
    const seq = this.#sent.find(number)
    if (seq === undefined || seq < this.#base + this.#head || this.#senders[seq - this.#base]!.userID !== userID) return undefined
    return this.#to[seq - this.#base]
  }

  /** The user's backlog with what expired dropped from its front. */
  #retainedOf(userID: string): number[] | undefined {
    const seqs = this.#byUser.get(userID)
    if (seqs === undefined) return undefined
    this.#prune()
    this.#pruneUser(seqs)
    return seqs
  }

  /** Let go of the rows older than the retention period (server time only grows with the sequence number). */
  #prune(): void {
    const horizon = this.clock.now() - this.retentionMs
    const times = this.#times
    let head = this.#head
    if (head >= times.length || times[head]! >= horizon) return
    for (; head < times.length && times[head]! < horizon; head++) {
      this.#payloads[head] = undefined
      this.#senders[head] = undefined
      this.#to[head] = undefined
      this.#seenBy[head] = undefined
    }
    this.#head = head
    this.#sent.forgetBefore(this.#base + head)
    if (head > 1_024 && head * 2 > times.length) {
      for (const column of [this.#payloads, this.#senders, this.#to, this.#seenBy, this.#times, this.#numbers, this.#replaces]) column.splice(0, head)
      this.#base += head
      this.#head = 0
    }
  }

  /** Drop the expired sequence numbers from the front of a backlog. */
  #pruneUser(seqs: number[]): void {
    const first = this.#base + this.#head
    if (seqs.length === 0 || seqs[0]! >= first) return
    seqs.splice(0, lowerBound(seqs, first))
  }
}

/**
 * Stored originals' sequence numbers by message number, for `replace`: an array from the oldest
 * number still recorded on (online-only messages leave holes), not a map keyed by id, which cost
 * a hash entry per message. Numbers come in server order, so what expired is always at the front.
 */
class SentIndex {
  /** Sequence numbers, 0 for a hole; those before `#head` are forgotten. */
  #seqs: number[] = []
  /** The message number of `#seqs[0]`. */
  #base = 1
  #head = 0

  record(number: number, seq: number): void {
    if (this.#head === this.#seqs.length) {
      this.#seqs = []
      this.#head = 0
      this.#base = number
    }
    while (this.#base + this.#seqs.length < number) this.#seqs.push(0)
    this.#seqs.push(seq)
  }

  find(number: number): number | undefined {
    const index = number - this.#base
    const seq = index >= this.#head ? this.#seqs[index] : undefined
    return seq === undefined || seq === 0 ? undefined : seq
  }

  /** Forget the messages with a sequence number before `seq` (they expired). */
  forgetBefore(seq: number): void {
    const seqs = this.#seqs
    while (this.#head < seqs.length && seqs[this.#head]! < seq) this.#head++
    if (this.#head > 1_024 && this.#head * 2 > seqs.length) {
      seqs.splice(0, this.#head)
      this.#base += this.#head
      this.#head = 0
    }
  }
}
