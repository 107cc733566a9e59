/**
 * Argument checks at the IM's edge. A bad argument is the caller's bug, not something the network
 * did, so it throws (rejects with) a `TypeError` rather than a `TransportError`.
 *
 * @module
 */
import type { Conversation, SendOptions } from '@beckon/core'

/** A user, device or group id: a non-empty string. */
export const requireID = (value: unknown, what: string): string => {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${what} must be a non-empty string, got ${JSON.stringify(value)}`)
  return value
}

export const requireConversation = (to: unknown): Conversation => {
  const candidate = to as Partial<Record<'kind' | 'userID' | 'groupID', unknown>> | null
  if (candidate?.kind === 'user') return { kind: 'user', userID: requireID(candidate.userID, 'conversation userID') }
  if (candidate?.kind === 'group') return { kind: 'group', groupID: requireID(candidate.groupID, 'conversation groupID') }
  throw new TypeError(`a conversation must be { kind: 'user', userID } or { kind: 'group', groupID }, got ${JSON.stringify(to)}`)
}

export const requirePayload = (payload: unknown): string => {
  if (typeof payload !== 'string') throw new TypeError(`payload must be a string, got ${typeof payload}`)
  return payload
}

export const requireSendOptions = (options: unknown): SendOptions => {
  const candidate = options as Partial<Record<keyof SendOptions, unknown>> | null
  if (typeof candidate?.onlineUserOnly !== 'boolean') throw new TypeError('send options must have a boolean onlineUserOnly')
  return candidate as SendOptions
}

export const requireIDs = (values: unknown, what: string): readonly string[] => {
  if (!Array.isArray(values)) throw new TypeError(`${what} must be an array of ids`)
  return values.map((value) => requireID(value, `each of ${what}`))
}

export const sameConversation = (a: Conversation, b: Conversation): boolean =>
  a.kind === 'user' ? b.kind === 'user' && a.userID === b.userID : b.kind === 'group' && a.groupID === b.groupID
