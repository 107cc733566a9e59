/**
 * The errors of the Tencent-Web-shaped facade: a {@link SignalingError} whose `code` is the one
 * Tencent's Web SDK gives for the same situation, where it has one.
 *
 * Tencent's Web SDK splits cases beckon's engine reports with one code: it fails a `cancel` of an
 * invitation it no longer holds with 8020 rather than 8010, and an `accept` / `reject` by a user who
 * is not among the invitees with 8011 (no permission) rather than 8010. It reports a call made
 * while the SDK is not ready with 2999, where beckon says 6014 (disconnected). beckon's own codes
 * (8013–8016) and Tencent's native 6017 (bad parameter; the Web SDK throws a bare "Params validate
 * failed." there) stay as they are. The engine's code is kept as `beckonCode`.
 *
 * @module
 */
import { SignalingError } from '../errors.js'
import type { InvitationView } from '../engine/views.js'

/** The codes of Tencent's Web SDK that the facade uses, by their names in that SDK. */
export const tencentWebCodes = {
  /** `SDK_IS_NOT_READY`: the SDK (here: the transport) is not connected. */
  SDK_IS_NOT_READY: 2999,
  /** `SIGNALING_INVALID_INVITE_ID`: unknown, ended, or already answered invitation. */
  SIGNALING_INVALID_INVITE_ID: 8010,
  /** `SIGNALING_NO_PERMISSION`: not the inviter (cancel, modify) or not an invitee (accept, reject). */
  SIGNALING_NO_PERMISSION: 8011,
  /** `SIGNALING_ALREADY_EXISTS`. */
  SIGNALING_ALREADY_EXISTS: 8012,
  /** `INVALID_CANCEL_MESSAGE`: a cancel of an invitation that is unknown or over. */
  INVALID_CANCEL_MESSAGE: 8020,
} as const

/** The facade operation that failed, which decides how beckon's 8010 reads in Tencent's codes. */
export type TencentWebOperation = 'invite' | 'inviteInGroup' | 'cancel' | 'accept' | 'reject' | 'modifyInvitation'

/**
 * A {@link SignalingError} from the Tencent-Web-shaped facade: `code` is Tencent Web's code for
 * the failure, `beckonCode` the one beckon's native facade gives, `data` an empty object as on
 * Tencent's errors. The original error is its `cause`.
 *
 * @example
 * ```ts
 * try { await chat.cancel({ inviteID }) }
 * catch (e) { if (e instanceof TencentWebError && e.code === 8020) console.log('call already over') }
 * ```
 */
export class TencentWebError extends SignalingError {
  /** Tencent Web's code (see {@link tencentWebCodes}); beckon's own where Tencent Web has none. */
  override readonly code: number
  /** The code beckon's native facade gives for the same failure. */
  readonly beckonCode: number
  /** Tencent's errors carry a `data` object; this facade's is always empty. */
  readonly data: Readonly<Record<string, never>> = {}

  constructor(source: SignalingError, code: number) {
    super({ _tag: source.reason, detail: '' })
    this.code = code
    this.beckonCode = source.code
    this.message = code === source.code ? source.message : `${source.message} (Tencent Web code ${code})`
    this.cause = source
  }
}

/** What decides the Tencent Web code of a failure besides the failure itself. */
export interface FailureContext {
  readonly operation: TencentWebOperation
  readonly userID: string
  /** The invitation as this device holds it after the failure, if it does. */
  readonly invitation: InvitationView | undefined
}

/** Tencent Web's code for a beckon failure (see the module comment for each choice). */
export const tencentWebCodeOf = (error: SignalingError, context: FailureContext): number => {
  switch (error.reason) {
    case 'Disconnected':
      return tencentWebCodes.SDK_IS_NOT_READY
    case 'InvitationInvalid':
      if (context.operation === 'cancel') return tencentWebCodes.INVALID_CANCEL_MESSAGE
      if ((context.operation === 'accept' || context.operation === 'reject') && context.invitation !== undefined && !context.invitation.inviteeList.includes(context.userID)) {
        return tencentWebCodes.SIGNALING_NO_PERMISSION
      }
      return tencentWebCodes.SIGNALING_INVALID_INVITE_ID
    default:
      return error.code
  }
}

/** Re-reads a facade rejection in Tencent Web's codes; anything that is not a `SignalingError` passes unchanged. */
export const asTencentWebError = (error: unknown, context: FailureContext): unknown =>
  error instanceof SignalingError && !(error instanceof TencentWebError) ? new TencentWebError(error, tencentWebCodeOf(error, context)) : error
