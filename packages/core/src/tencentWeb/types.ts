/**
 * The public shape of the Tencent-Web-shaped facade: Tencent Web SDK's option objects and results.
 *
 * @module
 */
import type { OfflinePushInfo } from '../ports.js'
import type { Signaling, SignalingInfo, SignalingOptions } from '../facade/types.js'
import type { TencentWebHandler, TSignalingEventName } from './events.js'

/** `invite(options)`: Tencent Web's `INVITE_OPTIONS`. */
export interface TencentWebInviteOptions {
  /** The user to invite. */
  readonly userID: string
  /** Opaque string (apps put JSON in it); default `''`. */
  readonly data?: string
  /**
   * Seconds; `0` means no timeout and no timeout events anywhere. Default: the facade's
   * `defaultTimeout`, which is Tencent Web's `0` unless set (beckon's native default is 30).
   */
  readonly timeout?: number
  /** Deliver only to devices online now; never stored, never pushed. Follow-ups inherit it. */
  readonly onlineUserOnly?: boolean
  /** Handed to the transport for its push channel. */
  readonly offlinePushInfo?: OfflinePushInfo
}

/** `inviteInGroup(options)`: Tencent Web's `INVITE_IN_GROUP_OPTIONS`. */
export interface TencentWebGroupInviteOptions extends Omit<TencentWebInviteOptions, 'userID'> {
  readonly groupID: string
  /** Members of `groupID` to invite; every one must be a member. */
  readonly inviteeList: readonly string[]
}

/** `cancel` / `accept` / `reject(options)`: Tencent Web's `INVITATION_HANDLE_OPTIONS`. */
export interface TencentWebHandleOptions {
  readonly inviteID: string
  /** Opaque string carried by the answer; default `''`. */
  readonly data?: string
}

/** `modifyInvitation(options)`: Tencent Web's `MODIFY_INVITATION_OPTIONS`. */
export interface TencentWebModifyOptions {
  readonly inviteID: string
  /** The invitation's new data. */
  readonly data: string
}

/**
 * What every operation resolves with once the IM took its message: `code: 0` and the invitation's
 * `inviteID` at the top level, as Tencent's Web SDK resolves `invite`, `cancel`, `accept` and
 * `reject`; `data.inviteID` repeats it for code that reads it there. Tencent's `data.message` (the
 * SDK's message object) has no counterpart here.
 */
export interface TencentWebResponse {
  readonly code: 0
  readonly inviteID: string
  readonly data: { readonly inviteID: string }
}

/** A message as `getSignalingInfo` takes it: Tencent Web's (`payload.data`), beckon's (`payload`), or the payload string. */
export type TencentWebMessage = { readonly payload: { readonly data: string } } | { readonly payload: string } | string

/** Options of {@link createTencentWebSignaling}: beckon's, plus how Tencent Web's defaults apply. */
export interface TencentWebSignalingOptions extends SignalingOptions, TencentWebFacadeOptions {}

/** How the Tencent-Web-shaped facade fills in what a call leaves out. */
export interface TencentWebFacadeOptions {
  /**
   * The `timeout` (seconds) of an invitation whose options give none. Default `0`, Tencent Web's:
   * the invitation never times out, so the app must cancel it. Set 30 for beckon's native default.
   */
  readonly defaultTimeout?: number
  /**
   * Deliver the events of group invitations this user neither sent nor is listed in, as beckon's
   * native facade does. Default `false`: like Tencent's Web SDK, only the inviter and the listed
   * invitees hear of a group invitation.
   */
  readonly observeGroupInvitations?: boolean
}

/**
 * The signaling API of one device in the shape of Tencent's Web SDK (`@tencentcloud/chat`'s
 * signaling methods), over beckon's engine. Errors are {@link TencentWebError}s with Tencent Web's
 * codes; calling a method in beckon's native shape (`invite('bob')`) throws a `TypeError` naming
 * the call to use.
 */
export interface TencentWebSignaling {
  /** The user this device signs in as (the transport's). */
  readonly userID: string
  /** This device among the user's devices (the transport's). */
  readonly deviceID: string
  /** Invites one user. Resolves with `{ code: 0, inviteID }` once the IM took the invite. */
  invite(options: TencentWebInviteOptions): Promise<TencentWebResponse>
  /** Invites members of a group. */
  inviteInGroup(options: TencentWebGroupInviteOptions): Promise<TencentWebResponse>
  /** The inviter ends the invitees still pending. Unknown or ended invitation: 8020. */
  cancel(options: TencentWebHandleOptions): Promise<TencentWebResponse>
  /** A pending invitee accepts. Unknown or answered: 8010; not an invitee: 8011. */
  accept(options: TencentWebHandleOptions): Promise<TencentWebResponse>
  /** A pending invitee rejects. Unknown or answered: 8010; not an invitee: 8011. */
  reject(options: TencentWebHandleOptions): Promise<TencentWebResponse>
  /** The inviter replaces the invitation's data at every party (`ts_invitation_modified`). */
  modifyInvitation(options: TencentWebModifyOptions): Promise<TencentWebResponse>
  /** The signaling content of a message, or `null` for any other message. Never throws. */
  getSignalingInfo(message: TencentWebMessage): SignalingInfo | null
  /**
   * Calls `handler` with `{ name, data }` for every event `eventName` (one of {@link TSignaling}'s
   * event names), with `this` bound to `context`. Any other name throws a `TypeError`.
   */
  addSignalingListener<N extends TSignalingEventName>(eventName: N, handler: TencentWebHandler<N>, context?: unknown): void
  /** Removes every registration of `handler` for `eventName` (only those with `context`, if given). */
  removeSignalingListener<N extends TSignalingEventName>(eventName: N, handler: TencentWebHandler<N>, context?: unknown): void
  /** beckon's native facade over the same engine: views, snapshots, diagnostics, `close()`. */
  readonly native: Signaling
}
