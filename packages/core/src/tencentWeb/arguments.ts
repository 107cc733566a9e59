/**
 * Reads the option objects of the Tencent-Web-shaped facade. A call in beckon's native shape
 * (`invite('bob', data)`) or without an options object is a programmer error and throws a
 * `TypeError` at once, naming the call to make; a field with a wrong value is a bad parameter the
 * caller may pass at run time, so it rejects with 6017 naming the field, as beckon's native
 * facade does.
 *
 * @module
 */
import { failure, SignalingError } from '../errors.js'
import { preview } from '../facade/describe.js'
import type { TencentWebOperation } from './errors.js'

/** The Tencent Web call shape of each operation, for messages. */
const tencentShapes: Record<TencentWebOperation, string> = {
  invite: 'invite({ userID, data?, timeout?, onlineUserOnly?, offlinePushInfo? })',
  inviteInGroup: 'inviteInGroup({ groupID, inviteeList, data?, timeout?, onlineUserOnly?, offlinePushInfo? })',
  cancel: 'cancel({ inviteID, data? })',
  accept: 'accept({ inviteID, data? })',
  reject: 'reject({ inviteID, data? })',
  modifyInvitation: 'modifyInvitation({ inviteID, data })',
}

/** beckon's native call for each operation, for messages. */
const nativeShapes: Record<TencentWebOperation, string> = {
  invite: 'invite(invitee, data?, options?)',
  inviteInGroup: 'inviteInGroup(groupID, inviteeList, data?, options?)',
  cancel: 'cancel(inviteID, data?)',
  accept: 'accept(inviteID, data?)',
  reject: 'reject(inviteID, data?)',
  modifyInvitation: 'modifyInvitation(inviteID, data)',
}

/**
 * The options object of a call to `operation`, or a `TypeError` thrown at once for a call in
 * another shape.
 */
export const optionsOf = (operation: TencentWebOperation, args: readonly unknown[]): Record<string, unknown> => {
  const [options] = args
  if (typeof options === 'object' && options !== null && !Array.isArray(options)) return options as Record<string, unknown>
  const native =
    typeof options === 'string'
      ? ` ${operation}(${preview(options)}, …) is beckon's native shape (${nativeShapes[operation]}): call it on the native facade (\`.native\` or createSignaling()).`
      : ''
  throw new TypeError(`This is the Tencent Web shape: ${tencentShapes[operation]} takes one options object, got ${preview(options)}.${native}`)
}

/** A rejected 6017 for `options.<field>`. */
const badField = (operation: TencentWebOperation, field: string, expected: string, value: unknown): SignalingError =>
  new SignalingError(failure('InvalidParameter', `${operation}: options.${field} must be ${expected}, got ${preview(value)}`))

/** `options[field]` if it is a non-empty string, else the 6017 error that says so. */
export const requiredString = (operation: TencentWebOperation, options: Record<string, unknown>, field: string): string | SignalingError => {
  const value = options[field]
  return typeof value === 'string' && value !== '' ? value : badField(operation, field, 'a non-empty string', value)
}

/** `options[field]` if it is a list, else the 6017 error that says so (the engine checks its members). */
export const requiredList = (operation: TencentWebOperation, options: Record<string, unknown>, field: string): readonly string[] | SignalingError => {
  const value = options[field]
  return Array.isArray(value) ? (value as readonly string[]) : badField(operation, field, 'a list of user IDs', value)
}
