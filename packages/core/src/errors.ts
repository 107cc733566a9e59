/**
 * Errors a caller or the network can cause. Inside the core they are values (a `_tag` union);
 * at the facade they become {@link SignalingError}, an `Error` with Tencent's numeric code.
 *
 * @module
 */

// -------------------------------------------------------------------------------------------------
// Failures as values
// -------------------------------------------------------------------------------------------------

/** Why a signaling command did not take effect. */
export type SignalingFailure =
  | { readonly _tag: 'InvalidParameter'; readonly detail: string }
  | { readonly _tag: 'Disconnected'; readonly detail: string }
  | { readonly _tag: 'InvitationInvalid'; readonly detail: string }
  | { readonly _tag: 'NotInviter'; readonly detail: string }
  | { readonly _tag: 'AlreadyExists'; readonly detail: string }
  | { readonly _tag: 'NotGroupMember'; readonly detail: string }
  | { readonly _tag: 'LimitExceeded'; readonly detail: string }
  | { readonly _tag: 'TransportFailed'; readonly detail: string }
  /** A modification lost to a concurrent one from another device of the inviter (same server millisecond). */
  | { readonly _tag: 'Outranked'; readonly detail: string }
  /** The IM server refused this user's credentials; the transport stopped trying to connect. */
  | { readonly _tag: 'AuthenticationFailed'; readonly detail: string }

export type SignalingFailureTag = SignalingFailure['_tag']

/** Builds a failure value. */
export const failure = (tag: SignalingFailureTag, detail: string): SignalingFailure => ({ _tag: tag, detail })

// -------------------------------------------------------------------------------------------------
// Codes
// -------------------------------------------------------------------------------------------------

/**
 * The numeric code of each failure. 6014, 6017, 8010, 8011 and 8012 are Tencent's
 * (`ERR_SDK_NOT_LOGGED_IN`, `ERR_INVALID_PARAMETERS`, `ERR_SDK_SIGNALING_INVALID_INVITE_ID`,
 * `ERR_SDK_SIGNALING_NO_PERMISSION`, `ERR_SDK_SIGNALING_ALREADY_EXISTS`); 8013–8017 are beckon's own.
 */
export const errorCodes = {
  InvalidParameter: 6017,
  Disconnected: 6014,
  InvitationInvalid: 8010,
  NotInviter: 8011,
  AlreadyExists: 8012,
  NotGroupMember: 8013,
  LimitExceeded: 8014,
  TransportFailed: 8015,
  Outranked: 8016,
  AuthenticationFailed: 8017,
} as const satisfies Record<SignalingFailureTag, number>

// -------------------------------------------------------------------------------------------------
// SignalingError
// -------------------------------------------------------------------------------------------------

/**
 * The error every facade promise rejects with.
 *
 * @example
 * ```ts
 * try { await signaling.accept(id) }
 * catch (e) { if (e instanceof SignalingError && e.code === 8010) showToast('The call is over') }
 * ```
 */
export class SignalingError extends Error {
  override readonly name = 'SignalingError'
  /** Tencent's numeric error code (see {@link errorCodes}). */
  readonly code: number
  /** The failure's tag, e.g. `'InvitationInvalid'`. */
  readonly reason: SignalingFailureTag

  constructor(failure: SignalingFailure) {
    super(`${failure._tag} (${errorCodes[failure._tag]}): ${failure.detail}`)
    this.code = errorCodes[failure._tag]
    this.reason = failure._tag
  }
}
