/**
 * The ports the core needs from its surroundings: an IM to carry payloads ({@link ImTransport})
 * and a clock to arm timers ({@link Clock}). The core owns these interfaces; adapters implement
 * them and depend on the core, never the reverse.
 *
 * @module
 */

// -------------------------------------------------------------------------------------------------
// Clock
// -------------------------------------------------------------------------------------------------

/** An opaque timer handle, as returned by {@link Clock.setTimeout}. */
export type TimerHandle = unknown

/**
 * Local time and timers. A superset of XState's `Clock`, so XState's `SimulatedClock` fits.
 *
 * Deadlines are never measured on this clock: they are on the IM server's clock (see
 * {@link ImTransport.serverNow}). This clock only says how long to wait locally.
 */
export interface Clock {
  /** Local milliseconds since some epoch. */
  now(): number
  setTimeout(fn: () => void, ms: number): TimerHandle
  clearTimeout(handle: TimerHandle): void
}

// -------------------------------------------------------------------------------------------------
// Messages
// -------------------------------------------------------------------------------------------------

/**
 * Where a message goes, or where it arrived. For an incoming 1:1 message `userID` is the peer:
 * the sender, or, for what the user's other device sent, the recipient.
 */
export type Conversation =
  | { readonly kind: 'user'; readonly userID: string }
  | { readonly kind: 'group'; readonly groupID: string }

/** Push-notification details handed to the IM for recipients that are offline. *(Tencent)* */
export interface OfflinePushInfo {
  readonly title?: string
  readonly description?: string
  /** Opaque payload the push carries to the app (often the signaling info, for `addInvitedSignaling`). */
  readonly extension?: string
  readonly disablePush?: boolean
}

export interface SendOptions {
  /** Deliver only to devices connected right now; never store. */
  readonly onlineUserOnly: boolean
  readonly offlinePushInfo?: OfflinePushInfo
}

/** What the IM server says when it has taken a message. */
export interface SendReceipt {
  readonly messageID: string
  /** The server's clock when it took the message: the time every deadline is measured from. */
  readonly serverTime: number
}

/** A message as the transport delivers it. */
export interface IncomingMessage {
  /** The IM's id of the message; for a replacement, the id of the message it replaced. */
  readonly messageID: string
  /** The user the transport authenticated as the sender: never taken from the payload. */
  readonly sender: string
  readonly senderDevice: string
  readonly conversation: Conversation
  readonly payload: string
  /** The server's clock when it took the message. */
  readonly serverTime: number
  /** Sent by another device of this transport's own user (a carbon). */
  readonly fromMyOtherDevice: boolean
  /** A replacement of an earlier message (modify). */
  readonly modified: boolean
  /**
   * Sent online-only (`SendOptions.onlineUserOnly`): delivered to devices online then, never
   * stored. Tencent's Web SDK marks an online-only invitation here only, not in the envelope.
   * Every adapter sets it; a transport that leaves it out means `false`.
   */
  readonly onlineUserOnly?: boolean
}

// -------------------------------------------------------------------------------------------------
// Groups and connection
// -------------------------------------------------------------------------------------------------

/**
 * A change to a group after it was created: someone joined or left, or the owner dismissed it.
 * Creating a group announces nothing (not even to its initial members, who read the list with
 * `getGroupMembers`): announcing each initial member to each member is quadratic in the group's
 * size, and an XMPP room announces nothing at creation either.
 */
export type MembershipEvent =
  | { readonly type: 'memberJoined'; readonly groupID: string; readonly userID: string }
  | { readonly type: 'memberLeft'; readonly groupID: string; readonly userID: string }
  | { readonly type: 'groupDismissed'; readonly groupID: string }

/**
 * `connected` means caught up: a transport reports it only after it has delivered what the server
 * stored for this device while it was away. Until then it is `connecting`.
 */
export type ConnectionState = 'disconnected' | 'connecting' | 'connected'

/** Why a transport operation failed. */
export type TransportFailure =
  | 'Disconnected'
  | 'NotMember'
  | 'NoSuchGroup'
  | 'GroupExists'
  | 'NoSuchMessage'
  | 'Rejected'
  /** The server refused the credentials: the transport stays disconnected until `connect` is called again. */
  | 'AuthenticationFailed'

/** The one error a transport's promises reject with; adapters turn library errors into it. */
export class TransportError extends Error {
  override readonly name = 'TransportError'
  constructor(
    readonly reason: TransportFailure,
    message: string,
  ) {
    super(message)
  }
}

/** Stop listening. */
export type Unsubscribe = () => void

// -------------------------------------------------------------------------------------------------
// ImTransport
// -------------------------------------------------------------------------------------------------

/**
 * What an IM adapter gives the core: one device of one user on an IM.
 *
 * Laws every adapter keeps (checked by the transport contract suite in `test/`):
 * - a message to a user reaches every device of that user, also devices that were offline when it
 *   was sent (unless `onlineUserOnly`), and they get it before they report `connected`;
 * - what a device sends reaches its user's other devices too, with `fromMyOtherDevice`;
 * - a group message reaches every device of every member, except the sending device;
 * - every message carries the server time at which the server took it, and `send` resolves with
 *   that time; `serverNow()` estimates the server's clock now, on the same scale;
 * - `sender` is the authenticated sender; a group message from a non-member is never delivered;
 * - operations fail with {@link TransportError}, never with a library's own error;
 * - nothing is delivered before the code that created the transport could subscribe (delivery
 *   starts asynchronously, or waits for the first listener);
 * - a device that is `connecting` counts as online (it gets online-only messages); only a
 *   `disconnected` one refuses to send;
 * - a message sent online-only arrives with `onlineUserOnly: true`, a stored one with `false`.
 */
export interface ImTransport {
  readonly userID: string
  readonly deviceID: string

  send(to: Conversation, payload: string, options: SendOptions): Promise<SendReceipt>
  /**
   * Replace a message this user sent earlier (modify). The receipt names the original message and
   * carries the replacement's server time.
   */
  replace(to: Conversation, messageID: string, payload: string): Promise<SendReceipt>
  onMessage(listener: (message: IncomingMessage) => void): Unsubscribe

  /** Create a group with the given members; the creator is always a member. */
  createGroup(groupID: string, memberIDs: readonly string[]): Promise<void>
  joinGroup(groupID: string): Promise<void>
  quitGroup(groupID: string): Promise<void>
  dismissGroup(groupID: string): Promise<void>
  getGroupMembers(groupID: string): Promise<readonly string[]>
  /** Joins, departures and dismissal of this user's groups after their creation (none for the creation itself). */
  onMembershipChange(listener: (event: MembershipEvent) => void): Unsubscribe

  readonly connectionState: ConnectionState
  onConnectionChange(listener: (state: ConnectionState) => void): Unsubscribe
  /** The transport's estimate of the IM server's clock now. */
  serverNow(): number
  /**
   * Optional: ask the server for its clock now and refresh `serverNow()`'s estimate; resolves with
   * the new estimate. The facade calls it before acting on a deadline and before ringing an invite
   * that spent long in transit, so a drifting local clock neither times out early nor rings late.
   */
  syncServerTime?(): Promise<number>

  /**
   * Optional: the largest payload (UTF-8 bytes) the IM server takes in one message, when it has a
   * limit below beckon's own (1 MiB, the large-list extension's cap). Commands whose message would
   * exceed it fail with 6017 naming the parameter, instead of failing in the transport.
   */
  readonly maxPayloadBytes?: number

  /**
   * The clock of the world this transport lives in, when it is not real time (the embedded IM's
   * virtual clock). `createSignaling` uses it when it is given no clock.
   */
  readonly clock?: Clock
}
