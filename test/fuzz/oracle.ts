/**
 * The fuzz's oracle: what SPEC §3 says one device must do with one incoming message, written from
 * the SPEC (not from the engine's code), so that the fuzz only feeds *hostile* input — input that
 * must change nothing — and knows which diagnostic reason to expect.
 *
 * The codec (`decodeEnvelope`) is the contract for what is well formed (SPEC §4); on top of it the
 * oracle applies the SPEC's rules with the authenticated sender:
 * - a message older than the retention period is ignored (`expired-message`);
 * - an envelope's `groupID` must be its conversation's (`conversation-mismatch`);
 * - an invite comes from its `inviter`, does not invite its inviter, is new, and a 1:1 invite names
 *   the receiving user (unless it is a carbon of the user's own);
 * - a follow-up names its invitation's inviter; a cancel comes from the inviter; an accept or a
 *   reject from an invitee listing itself alone; a timeout from the inviter, or from an invitee
 *   listing itself alone; a modify (a replaced invite) from the inviter, naming it;
 * - a fact about a listed invitee changes something only if it outranks the invitee's current
 *   decision (rank: inviter's cancel, inviter's timeout, accept, reject, invitee's timeout, local
 *   expiry; ties go to the smallest action id), otherwise it is a `duplicate` or `outranked`.
 *
 * A message the SPEC lets change state is `valid` and is never fed to the device (the exception
 * to "hostile input changes nothing": fast-check readily mutates a cancel into a legitimate one).
 * A message about an invitation this device does not know is held by design (SPEC §3: "a message
 * about an unknown invitation … is held"), so it changes state legitimately and is `valid` too —
 * unless a check that needs no invitation already shows it can never apply: that is hostile.
 *
 * Hostile input that a finding of this fuzz (`findings.ts`) still mishandles is set aside as
 * `known` and counted, so the rest keeps being checked; once the finding is fixed, it is fuzzed.
 *
 * @module
 */
import { decodeEnvelope, type DiagnosticReason, type EngineSnapshot, type Envelope, type IncomingMessage, type InviteeEventType } from '@beckon/core'
import { membersOf } from './fixture.js'
import type { KnownFinding } from './findings.js'

export type { KnownFinding }

/** What the fuzz does with an input. */
export type Verdict =
  /** Must change nothing, fire nothing, and be reported with one of `expect`. */
  | { readonly kind: 'hostile'; readonly expect: readonly DiagnosticReason[]; readonly why: string }
  /** May legitimately change state: not fed. */
  | { readonly kind: 'valid'; readonly why: string }
  /** Hostile, but a finding that still shows (see `findings.ts`), or beyond what the engine can know: set aside, counted. */
  | { readonly kind: 'known'; readonly finding: KnownFinding; readonly why: string }

const decodeReasons = { Oversized: 'oversized', NotJson: 'not-json', NotSignaling: 'not-signaling', Malformed: 'malformed' } as const satisfies Record<
  string,
  DiagnosticReason
>

/** One invitee of one invitation, as the device holds it. */
interface InviteeModel {
  readonly userID: string
  readonly decision: { readonly type: InviteeEventType; readonly actionID: string } | null
}

interface InvitationModel {
  readonly inviter: string
  readonly groupID: string
  readonly invitees: readonly InviteeModel[]
  /** The winning modification: `[serverTime, actionID, seq]` (`seq` absent in older snapshots: 0). */
  readonly dataVersion: readonly [number, string, number?] | null
  readonly audience: 'all' | 'inviter'
}

/** What the oracle knows of one device: its user and the invitations it holds. */
export interface DeviceModel {
  readonly userID: string
  readonly deviceID: string
  readonly invitations: ReadonlyMap<string, InvitationModel>
  /** The messages held for invitations not known yet, by {@link heldKey}. */
  readonly held: ReadonlySet<string>
  readonly retentionMs: number
}

/** A message's identity: invitation, sender and action id (beckon's, else the transport's message id). */
const heldKey = (message: IncomingMessage, envelope: Envelope): string =>
  JSON.stringify([envelope.inviteID, message.sender, envelope.beckon?.actionID ?? message.messageID])

/** Reads the model out of the device's own `snapshot()` (the public, documented JSON form). */
export const modelOf = (snapshot: EngineSnapshot, retentionMs: number): DeviceModel => {
  const invitations = new Map<string, InvitationModel>()
  for (const invitation of snapshot.invitations) {
    // The winning fact per invitee index (kept as an index-keyed record or an array, depending on the version).
    const decisions = invitation.decisions as unknown as Record<string, { type: InviteeEventType; actionID: string } | null | undefined>
    invitations.set(invitation.inviteID, {
      inviter: invitation.inviter,
      groupID: invitation.groupID,
      invitees: invitation.invitees.map((userID, i) => ({ userID, decision: decisions[String(i)] ?? null })),
      dataVersion: invitation.dataVersion,
      audience: invitation.audience ?? 'all',
    })
  }
  const held = new Set(snapshot.held.map((entry) => heldKey(entry.message, entry.envelope)))
  return { userID: snapshot.userID, deviceID: snapshot.deviceID, invitations, held, retentionMs }
}

/** SPEC §3 "Arbitration", best first. */
const rank: Readonly<Record<InviteeEventType, number>> = {
  'inviter.cancelled': 0,
  'inviter.timedOut': 1,
  'invitee.accepted': 2,
  'invitee.rejected': 3,
  'invitee.timedOut': 4,
  'timer.expired': 5,
}

/** A modification's rank, best last: server time, then sequence, then action id. */
const outranksVersion = (version: readonly [number, string, number], current: InvitationModel['dataVersion']): boolean => {
  if (current === null) return true
  if (version[0] !== current[0]) return version[0] > current[0]
  const seq = current[2] ?? 0
  return version[2] !== seq ? version[2] > seq : version[1] > current[1]
}

const beats = (type: InviteeEventType, actionID: string, decision: InviteeModel['decision']): boolean =>
  decision === null || rank[type] < rank[decision.type] || (rank[type] === rank[decision.type] && actionID < decision.actionID)

const hostile = (why: string, ...expect: DiagnosticReason[]): Verdict => ({ kind: 'hostile', expect, why })
const valid = (why: string): Verdict => ({ kind: 'valid', why })

/** A 1:1 answer of an invitee about a group invitation, as this device would get it with audience 'inviter'. */
const mayBePrivateAnswer = (device: DeviceModel, message: IncomingMessage, envelope: Envelope): boolean => {
  const { conversation, sender } = message
  if (conversation.kind !== 'user' || envelope.groupID === '' || sender === envelope.inviter || ![3, 4, 5].includes(envelope.actionType)) return false
  return device.userID === envelope.inviter ? conversation.userID === sender : sender === device.userID && conversation.userID === envelope.inviter
}

const listsAlone = (envelope: Envelope, userID: string): boolean => envelope.inviteeList.length === 1 && envelope.inviteeList[0] === userID

/**
 * What the authenticated sender may not say, whatever the invitation (so this is known even for an
 * invitation the device has not seen): only the inviter cancels and modifies, an answer comes
 * from someone else than the inviter and lists its sender alone, an invitee's timeout lists its
 * sender alone, and a 1:1 message concerns the receiving user as inviter or invitee.
 */
const roleReasons = (device: DeviceModel, message: IncomingMessage, envelope: Envelope): DiagnosticReason[] => {
  const { sender } = message
  const fromInviter = sender === envelope.inviter
  const reasons: DiagnosticReason[] = []
  switch (envelope.actionType) {
    case 1:
    case 2:
      if (!fromInviter) reasons.push('forged-sender')
      break
    case 3:
    case 4:
      if (fromInviter || !listsAlone(envelope, sender)) reasons.push('forged-sender')
      break
    case 5:
      if (!fromInviter && !listsAlone(envelope, sender)) reasons.push('forged-sender')
      break
  }
  if (envelope.groupID === '' && envelope.inviter !== device.userID && !envelope.inviteeList.includes(device.userID)) reasons.push('not-addressed')
  return reasons
}

/** The fact a follow-up states, for its authenticated sender; `undefined` if the sender may not state it. */
const factOf = (actionType: Envelope['actionType'], fromInviter: boolean): InviteeEventType | undefined => {
  switch (actionType) {
    case 2:
      return fromInviter ? 'inviter.cancelled' : undefined
    case 3:
      return fromInviter ? undefined : 'invitee.accepted'
    case 4:
      return fromInviter ? undefined : 'invitee.rejected'
    case 5:
      return fromInviter ? 'inviter.timedOut' : 'invitee.timedOut'
    default:
      return undefined
  }
}

/**
 * What the device must do with `message`, received at server time `now`. Every rule a hostile
 * message breaks goes into `expect`: the engine may check them in any order and report the first.
 *
 * @param present the findings that still show (`findings.ts`): their inputs are set aside.
 * @param replay the device already received this very message (same id, payload and server time).
 */
export const classify = (device: DeviceModel, message: IncomingMessage, now: number, present: ReadonlySet<KnownFinding>, replay = false): Verdict => {
  const known = (finding: KnownFinding, why: string, ...expect: DiagnosticReason[]): Verdict =>
    present.has(finding) ? { kind: 'known', finding, why } : hostile(`${why} (${finding}, fixed)`, ...expect)
  let decoded: ReturnType<typeof decodeEnvelope>
  try {
    decoded = decodeEnvelope(message.payload)
  } catch (error) {
    // Fed anyway once F1 is fixed: then law 1 is what judges whatever still throws here.
    return known('F1', `the codec threw ${error instanceof Error ? error.name : 'something'}`)
  }
  if (decoded._tag === 'Left') return hostile(`codec: ${decoded.left._tag}`, decodeReasons[decoded.left._tag])
  const envelope = decoded.right
  if (now - message.serverTime > device.retentionMs) return hostile('older than the retention period', 'expired-message')
  const conversationGroup = message.conversation.kind === 'group' ? message.conversation.groupID : ''
  const invitation = device.invitations.get(envelope.inviteID)
  if (envelope.groupID !== conversationGroup) {
    // An invitee's answer about a group invitation whose answers go to the inviter comes 1:1: it
    // may apply (or be held while its invitation is unknown), but only with audience 'inviter'.
    if (!mayBePrivateAnswer(device, message, envelope)) return hostile('groupID is not the conversation', 'conversation-mismatch')
    if (invitation !== undefined && invitation.audience !== 'inviter') {
      return hostile('a 1:1 answer about a group invitation answered in the group', 'conversation-mismatch', ...roleReasons(device, message, envelope))
    }
  }
  const { sender } = message

  if (envelope.actionType === 1 && !message.modified) {
    const reasons: DiagnosticReason[] = []
    if (sender !== envelope.inviter) reasons.push('forged-sender')
    if (envelope.inviteeList.includes(envelope.inviter)) reasons.push('malformed')
    if (invitation !== undefined) reasons.push('duplicate')
    if (envelope.groupID === '' && !message.fromMyOtherDevice && !envelope.inviteeList.includes(device.userID)) reasons.push('not-addressed')
    if (reasons.length > 0) return hostile('an invite that may not create an invitation here', ...reasons)
    const members = membersOf(envelope.groupID)
    if (envelope.groupID !== '' && (!members.includes(sender) || !members.includes(device.userID))) {
      return { kind: 'known', finding: 'transport', why: 'a group invite between non-members' }
    }
    if (replay) return known('F5', 'a replay of the invite of an invitation forgotten before its messages expired', 'duplicate')
    return valid('a new invitation')
  }

  const role = roleReasons(device, message, envelope)
  if (invitation === undefined) {
    if (role.length > 0 && envelope.actionType === 1) return known('F7', 'a modify that can never apply, about an unknown invitation', ...role)
    if (role.length > 0) return known('F2', 'a follow-up that can never apply, about an unknown invitation', ...role)
    if (device.held.has(heldKey(message, envelope))) return known('F3', 'the same message as one held for an unknown invitation', 'duplicate')
    if (replay) return known('F5', 'a replay about an invitation forgotten before its messages expired', 'duplicate', 'expired-message')
    return valid('held for an unknown invitation')
  }
  if (invitation.groupID !== envelope.groupID) return hostile('about an invitation of another conversation', 'conversation-mismatch', ...role)
  const actionID = envelope.beckon?.actionID ?? message.messageID

  if (envelope.actionType === 1) {
    // A modify: the inviter replaces its invite; the latest by (server time, sequence, action id)
    // wins (SPEC §8: a device's later call outranks its earlier one in the same millisecond; a
    // modification without beckon's sequence counts as 0).
    if (sender !== invitation.inviter) return hostile('a modify from someone other than the inviter', 'forged-sender', ...role)
    if (!outranksVersion([message.serverTime, actionID, envelope.beckon?.seq ?? 0], invitation.dataVersion)) {
      return hostile('a modify that is not newer', 'duplicate', 'outranked', ...role)
    }
    if (envelope.inviter !== invitation.inviter || role.length > 0) return known('F4', 'a modify that disagrees with its invitation', 'forged-sender', ...role)
    return valid('a newer modify from the inviter')
  }

  const reasons = new Set<DiagnosticReason>(role)
  if (envelope.inviter !== invitation.inviter) reasons.add('forged-sender')
  const fromInviter = sender === invitation.inviter
  const type = factOf(envelope.actionType, fromInviter)
  if (type === undefined || (!fromInviter && !listsAlone(envelope, sender))) reasons.add('forged-sender')
  let changes = false
  for (const userID of envelope.inviteeList) {
    const invitee = invitation.invitees.find((candidate) => candidate.userID === userID)
    if (invitee === undefined) {
      reasons.add('not-invitee')
    } else if (type !== undefined && beats(type, actionID, invitee.decision)) {
      changes = true
    } else {
      // The same fact again, or one that lost: which of the two the engine calls it is its business.
      reasons.add('duplicate').add('outranked')
    }
  }
  const blocked = role.length > 0 || envelope.inviter !== invitation.inviter || type === undefined || (!fromInviter && !listsAlone(envelope, sender))
  if (!blocked && changes) return valid(`${type} decides a listed invitee`)
  return hostile(blocked ? 'a forged or misaddressed follow-up' : 'changes no invitee', ...reasons)
}
