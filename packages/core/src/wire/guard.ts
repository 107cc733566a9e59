/**
 * The envelope codec's verdict in one pass, for the hot path: every received message is checked
 * here, without the io-ts machinery (an `Either` and a context per field, errors collected for the
 * reject case) that made decoding most of a group member's cost per message.
 *
 * The io-ts codec in `envelope.ts` stays the definition. This guard is proven equal to it on JSON
 * values (`guard.test.ts`: for generated envelopes and near-misses, it accepts exactly what the
 * codec accepts), and it only ever says yes: whatever it does not accept goes to the codec, which
 * decides and says why.
 *
 * @module
 */
import type { WireEnvelope } from './envelope.js'
import { extensionKey, maxIdLength, maxTimeoutSeconds } from './limits.js'

/** A JSON object (what io-ts's `UnknownRecord` accepts among JSON values). */
export const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null && !Array.isArray(u)

/** The codec's `Id`. */
export const isId = (u: unknown): u is string => typeof u === 'string' && u.length > 0 && u.length <= maxIdLength

const isActionType = (u: unknown): boolean => u === 1 || u === 2 || u === 3 || u === 4 || u === 5

const isSeconds = (u: unknown): boolean => typeof u === 'number' && Number.isFinite(u) && u >= 0 && u <= maxTimeoutSeconds

const isInviteeList = (u: unknown): boolean => {
  if (!Array.isArray(u) || u.length === 0) return false
  for (let i = 0; i < u.length; i++) if (!isId(u[i])) return false
  return true
}

const isSequence = (u: unknown): boolean => typeof u === 'number' && Number.isSafeInteger(u) && u >= 0

const isExtension = (u: unknown): boolean =>
  isRecord(u) && isId(u.actionID) && (u.seq === undefined || isSequence(u.seq)) && (u.audience === undefined || u.audience === 'inviter')

/** The keys this guard checks: every key the codec checks (`codecKeys`). */
export const guardedKeys: readonly string[] = ['businessID', 'inviteID', 'inviter', 'inviteeList', 'actionType', 'groupID', 'data', 'timeout', 'onlineUserOnly', extensionKey]
/** The extension keys this guard checks. */
export const guardedExtensionKeys: readonly string[] = ['actionID', 'seq', 'audience']

/**
 * Whether the codec accepts the parsed JSON value `u` (for the keys in {@link guardedKeys}). An
 * optional key may be missing or `null`.
 */
export const isWireEnvelope = (u: unknown): u is WireEnvelope =>
  isRecord(u) &&
  u.businessID === 1 &&
  isId(u.inviteID) &&
  isId(u.inviter) &&
  isInviteeList(u.inviteeList) &&
  isActionType(u.actionType) &&
  (u.groupID == null || typeof u.groupID === 'string') &&
  (u.data == null || typeof u.data === 'string') &&
  (u.timeout == null || isSeconds(u.timeout)) &&
  (u.onlineUserOnly == null || typeof u.onlineUserOnly === 'boolean') &&
  (u[extensionKey] == null || isExtension(u[extensionKey]))

/**
 * Whether `list` names someone twice. A set per message was a measurable share of a group member's
 * decoding; short lists (every answer lists one invitee) are checked in place.
 */
export const hasRepeats = (list: readonly string[]): boolean => {
  if (list.length > 16) return new Set(list).size !== list.length
  for (let i = 1; i < list.length; i++) if (list.lastIndexOf(list[i]!, i - 1) >= 0) return true
  return false
}
