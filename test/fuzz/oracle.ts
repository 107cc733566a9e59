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
 * unless a check that needs no invitation already shows it can never apply, which makes it
 * hostile input that the engine holds anyway: that is finding F2 (see `regressions.test.ts`), and
 * such input is set aside as `known`, as are replays of held messages (F3).
 *
 * @module
 */
import { decodeEnvelope, type DiagnosticReason, type EngineSnapshot, type Envelope, type IncomingMessage, type InviteeEventType } from '@beckon/core'
import { membersOf } from './fixture.js'

/** What the fuzz does with an input. */
export type Verdict =
  /** Must change nothing, fire nothing, and be reported with one of `expect`. */
  | { readonly kind: 'hostile'; readonly expect: readonly DiagnosticReason[]; readonly why: string }
  /** May legitimately change state: not fed. */
  | { readonly kind: 'valid'; readonly why: string }
  /** Hostile, but a known finding or beyond what the engine can know: set aside, counted. */
  | { readonly kind: 'known'; readonly finding: KnownFinding; readonly why: string }

/**
 * Findings of this fuzz, set aside (and counted) so that the rest keeps being checked; each has a
 * deterministic test in `regressions.test.ts`. Remove a branch once its finding is fixed.
 * - `F1`: deeply nested JSON within 12 KB makes the codec throw (law 1). Detected by calling the
 *   codec, so this branch goes quiet by itself once the codec is fixed.
 * - `F2`: a follow-up about an unknown invitation that can never apply is held (law 2).
 * - `F3`: a replay of a held message is held again (law 2).
 * - `F4`: a modify from the inviter whose envelope names another inviter is applied (law 2).
 * - `F5`: a replay about an invitation whose tombstone went early (`maxEndedInvitations`) is taken
 *   for new: a replayed invite rings again, a replayed answer is held (law 2).
 * - `transport`: not a finding: a well-formed group invite from (or to) a non-member. Only the IM
 *   knows group membership, and its contract is to never deliver it (the real sends check that).
 */
export type KnownFinding = 'F1' | 'F2' | 'F3' | 'F4' | 'F5' | 'transport'

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
  readonly dataVersion: readonly [number, string] | null
}

/** What the oracle knows of one device: its user and the invitations it holds. */
export interface DeviceModel {
  readonly userID: string
  readonly deviceID: string
  readonly invitations: ReadonlyMap<string, InvitationModel>
  /** Ids of the messages held for invitations not known yet. */
  readonly held: ReadonlySet<string>
  readonly retentionMs: number
}

/** Reads the model out of the device's own `snapshot()` (the public, documented JSON form). */
export const modelOf = (snapshot: EngineSnapshot, retentionMs: number): DeviceModel => {
  const invitations = new Map<string, InvitationModel>()
  for (const invitation of snapshot.invitations) {
    const decisions = invitation.decisions as Record<string, { type: InviteeEventType; actionID: string } | undefined>
    invitations.set(invitation.inviteID, {
      inviter: invitation.inviter,
      groupID: invitation.groupID,
      invitees: invitation.invitees.map((userID, i) => ({ userID, decision: decisions[String(i)] ?? null })),
      dataVersion: invitation.dataVersion,
    })
  }
  const held = new Set(snapshot.held.map((entry) => entry.message.messageID))
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

const beats = (type: InviteeEventType, actionID: string, decision: InviteeModel['decision']): boolean =>
  decision === null || rank[type] < rank[decision.type] || (rank[type] === rank[decision.type] && actionID < decision.actionID)

const hostile = (why: string, ...expect: DiagnosticReason[]): Verdict => ({ kind: 'hostile', expect, why })
const valid = (why: string): Verdict => ({ kind: 'valid', why })

const listsAlone = (envelope: Envelope, userID: string): boolean => envelope.inviteeList.length === 1 && envelope.inviteeList[0] === userID

/**
 * For a message about an invitation the device does not know: the reason it can never apply,
 * found without the invitation, or `undefined` if it may (then holding it is right).
 */
const neverApplies = (device: DeviceModel, message: IncomingMessage, envelope: Envelope): string | undefined => {
  const { sender } = message
  const fromInviter = sender === envelope.inviter
  if (envelope.inviteeList.includes(envelope.inviter)) return 'it lists its inviter as an invitee'
  switch (envelope.actionType) {
    case 1:
      if (!fromInviter) return 'a modify from someone other than its inviter'
      break
    case 2:
      if (!fromInviter) return 'a cancel from someone other than its inviter'
      break
    case 3:
    case 4:
      if (fromInviter) return 'an answer from the inviter'
      if (!listsAlone(envelope, sender)) return 'an answer that does not list its sender alone'
      break
    case 5:
      if (!fromInviter && !listsAlone(envelope, sender)) return "an invitee's timeout that does not list its sender alone"
      break
  }
  if (envelope.groupID === '' && !message.fromMyOtherDevice && envelope.inviter !== device.userID && !envelope.inviteeList.includes(device.userID)) {
    return 'a 1:1 message that names the receiver neither as inviter nor as invitee'
  }
  return undefined
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
 * What the device must do with `message`, received at server time `now`.
 *
 * @param replay the device already received this very message (same id, payload and server time).
 */
export const classify = (device: DeviceModel, message: IncomingMessage, now: number, replay = false): Verdict => {
  let decoded: ReturnType<typeof decodeEnvelope>
  try {
    decoded = decodeEnvelope(message.payload)
  } catch (error) {
    return { kind: 'known', finding: 'F1', why: `the codec threw ${error instanceof Error ? error.name : 'something'}` }
  }
  if (decoded._tag === 'Left') return hostile(`codec: ${decoded.left._tag}`, decodeReasons[decoded.left._tag])
  const envelope = decoded.right
  if (now - message.serverTime > device.retentionMs) return hostile('older than the retention period', 'expired-message')
  const conversationGroup = message.conversation.kind === 'group' ? message.conversation.groupID : ''
  if (envelope.groupID !== conversationGroup) return hostile('groupID is not the conversation', 'conversation-mismatch')
  const invitation = device.invitations.get(envelope.inviteID)
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
    if (replay) return { kind: 'known', finding: 'F5', why: 'a replay of the invite of an invitation forgotten before its messages expired' }
    return valid('a new invitation')
  }

  if (invitation === undefined) {
    if (replay && device.held.has(message.messageID)) return { kind: 'known', finding: 'F3', why: 'a replay of a message held for an unknown invitation' }
    if (replay) return { kind: 'known', finding: 'F5', why: 'a replay about an invitation forgotten before its messages expired' }
    const never = neverApplies(device, message, envelope)
    return never === undefined ? valid('held for an unknown invitation') : { kind: 'known', finding: 'F2', why: `held, although ${never}` }
  }
  if (invitation.groupID !== envelope.groupID) return hostile('about an invitation of another conversation', 'conversation-mismatch')
  const actionID = envelope.beckon?.actionID ?? message.messageID

  if (envelope.actionType === 1) {
    // A modify: the inviter replaces its invite; the latest by (server time, action id) wins.
    if (sender !== invitation.inviter) return hostile('a modify from someone other than the inviter', 'forged-sender')
    const current = invitation.dataVersion
    if (current !== null && (message.serverTime < current[0] || (message.serverTime === current[0] && actionID <= current[1]))) {
      return hostile('a modify that is not newer', 'duplicate', 'outranked')
    }
    if (envelope.inviter !== invitation.inviter) return { kind: 'known', finding: 'F4', why: 'a modify that names another inviter' }
    return valid('a newer modify from the inviter')
  }

  if (envelope.inviter !== invitation.inviter) return hostile('names another inviter', 'forged-sender')
  const fromInviter = sender === invitation.inviter
  const type = factOf(envelope.actionType, fromInviter)
  if (type === undefined) return hostile(`action ${envelope.actionType} from ${fromInviter ? 'the inviter' : 'a non-inviter'}`, 'forged-sender')
  if (!fromInviter && !listsAlone(envelope, sender)) return hostile('an answer that does not list its sender alone', 'forged-sender')
  const reasons = new Set<DiagnosticReason>()
  for (const userID of envelope.inviteeList) {
    const invitee = invitation.invitees.find((candidate) => candidate.userID === userID)
    if (invitee === undefined) {
      reasons.add('not-invitee')
      continue
    }
    if (beats(type, actionID, invitee.decision)) return valid(`${type} decides ${userID}`)
    // The same fact again, or one that lost: which of the two the engine calls it is its business.
    reasons.add('duplicate').add('outranked')
  }
  return hostile('changes no invitee', ...reasons)
}
