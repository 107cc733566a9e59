/**
 * The event names and event objects of Tencent's Web SDK signaling (`TencentCloudChat.TSignaling`),
 * as a Tencent-Web-shaped facade delivers them.
 *
 * Tencent's Web SDK hands every handler one object, `{ name, data }`, where `name` is the event's
 * string and `data` the payload below. The string values are Tencent's own — note that the new
 * invitation's is `'newInvitationReceived'` while the others carry a `ts_` prefix — so code that
 * compares `event.name` or registers with a literal keeps working.
 *
 * @module
 */

// -------------------------------------------------------------------------------------------------
// Constants
// -------------------------------------------------------------------------------------------------

/**
 * Tencent Web's `TSignaling` constants: the six event names (strings) and the five action types
 * of the wire envelope (numbers), with Tencent's values.
 *
 * @example
 * ```ts
 * chat.addSignalingListener(TSignaling.NEW_INVITATION_RECEIVED, (event) => ring(event.data.inviteID))
 * ```
 */
export const TSignaling = {
  NEW_INVITATION_RECEIVED: 'newInvitationReceived',
  INVITEE_ACCEPTED: 'ts_invitee_accepted',
  INVITEE_REJECTED: 'ts_invitee_rejected',
  INVITATION_CANCELLED: 'ts_invitation_cancelled',
  INVITATION_TIMEOUT: 'ts_invitation_timeout',
  INVITATION_MODIFIED: 'ts_invitation_modified',
  ACTION_TYPE_UNKNOWN: 0,
  ACTION_TYPE_INVITE: 1,
  ACTION_TYPE_CANCEL_INVITE: 2,
  ACTION_TYPE_ACCEPT_INVITE: 3,
  ACTION_TYPE_REJECT_INVITE: 4,
  ACTION_TYPE_INVITE_TIMEOUT: 5,
} as const

/** The keys of {@link TSignaling} that name events (not action types). */
export type TSignalingEventKey = {
  [K in keyof typeof TSignaling]: (typeof TSignaling)[K] extends string ? K : never
}[keyof typeof TSignaling]

/** One of Tencent Web's signaling event names, e.g. `'newInvitationReceived'`. */
export type TSignalingEventName = (typeof TSignaling)[TSignalingEventKey]

/** Every event key of {@link TSignaling}, in Tencent's order. */
export const tSignalingEventKeys: readonly TSignalingEventKey[] = [
  'NEW_INVITATION_RECEIVED',
  'INVITEE_ACCEPTED',
  'INVITEE_REJECTED',
  'INVITATION_CANCELLED',
  'INVITATION_TIMEOUT',
  'INVITATION_MODIFIED',
]

/** Every event name of {@link TSignaling}, in Tencent's order. */
export const tSignalingEventNames: readonly TSignalingEventName[] = tSignalingEventKeys.map((key) => TSignaling[key])

/** Whether `value` is one of Tencent Web's signaling event names. */
export const isTSignalingEventName = (value: unknown): value is TSignalingEventName =>
  typeof value === 'string' && (tSignalingEventNames as readonly string[]).includes(value)

/** The {@link TSignaling} key whose value or own name `value` is, if any (`'NEW_INVITATION_RECEIVED'` for both spellings). */
export const tSignalingKeyOf = (value: unknown): TSignalingEventKey | undefined =>
  tSignalingEventKeys.find((key) => key === value || TSignaling[key] === value)

// -------------------------------------------------------------------------------------------------
// Payloads
// -------------------------------------------------------------------------------------------------

/** What `event.data` holds for each event, field for field as Tencent's Web SDK fills it. */
export interface TencentWebEventData {
  /** An invitation rings. `groupID` is `''` for 1:1. */
  readonly newInvitationReceived: {
    readonly inviteID: string
    readonly inviter: string
    readonly groupID: string
    readonly inviteeList: string[]
    readonly data: string
  }
  /** `invitee` accepted; `data` is the answer's. */
  readonly ts_invitee_accepted: {
    readonly inviteID: string
    readonly inviter: string
    readonly groupID: string
    readonly invitee: string
    readonly data: string
  }
  /** `invitee` rejected; `data` is the answer's. */
  readonly ts_invitee_rejected: {
    readonly inviteID: string
    readonly inviter: string
    readonly groupID: string
    readonly invitee: string
    readonly data: string
  }
  /** The inviter cancelled; `data` is the cancel's. `inviteeList` (the invitees it ended) is beckon's addition. */
  readonly ts_invitation_cancelled: {
    readonly inviteID: string
    readonly inviter: string
    readonly groupID: string
    readonly data: string
    readonly inviteeList: string[]
  }
  /**
   * `inviteeList` ran out of time; `data` is the invitation's. `isSelfTimeout` is `true` when this
   * device declared the timeout itself (its own answer ran out, or, as the inviter, nobody answered
   * in time) and `false` when it learned it from another party or expired it locally.
   */
  readonly ts_invitation_timeout: {
    readonly inviteID: string
    readonly inviter: string
    readonly groupID: string
    readonly data: string
    readonly inviteeList: string[]
    readonly isSelfTimeout: boolean
  }
  /** The inviter replaced the invitation's `data`. */
  readonly ts_invitation_modified: {
    readonly inviteID: string
    readonly data: string
  }
}

/** The object a handler of event `N` receives: Tencent Web's `{ name, data }`. */
export interface TencentWebEvent<N extends TSignalingEventName = TSignalingEventName> {
  readonly name: N
  readonly data: TencentWebEventData[N]
}

/** A handler for event `N`, as `addSignalingListener(N, handler)` takes it. */
export type TencentWebHandler<N extends TSignalingEventName = TSignalingEventName> = (event: TencentWebEvent<N>) => void
