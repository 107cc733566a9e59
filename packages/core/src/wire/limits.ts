/**
 * The wire's fixed vocabulary and bounds, shared by the envelope codec (`envelope.ts`), its fast
 * guard (`guard.ts`) and the payload scans (`payload.ts`).
 *
 * @module
 */

/** The five signaling actions. *(Tencent)* */
export const ActionType = { invite: 1, cancel: 2, accept: 3, reject: 4, timeout: 5 } as const
export type ActionType = (typeof ActionType)[keyof typeof ActionType]

/** The key beckon's extension travels under. */
export const extensionKey = 'beckon'

/** Tencent caps a signaling message at 12 KB. */
export const maxEnvelopeBytes = 12 * 1024

/** The longest invite, user, group or action id the wire carries, in UTF-16 code units. */
export const maxIdLength = 256

/** The longest timeout the wire carries: deadlines in ms must stay within a 32-bit timer's range. */
export const maxTimeoutSeconds = 2_147_483

/**
 * How deep arrays and objects may nest in a payload. Every envelope a known client sends nests 2
 * deep (the envelope, its invitee list); the bound leaves room for extensions and other clients'
 * keys while keeping the cost of rejecting a hostile 12 KB payload below that of parsing a valid
 * one (JSON nested thousands deep costs a parser ~0.2 µs per level).
 */
export const maxNesting = 32
