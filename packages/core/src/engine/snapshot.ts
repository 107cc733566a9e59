/**
 * Saving and restoring the engine's state. A snapshot is plain JSON; restoring it validates its
 * shape (a snapshot may come from disk) and rebuilds the maps keyed by id. Commands whose
 * promises died with the old instance are dropped, but their messages are sent again once the
 * device is connected, like the timeouts the engine had not yet seen taken: the IM may never have
 * got them, and a message the IM did get is absorbed as a duplicate by its action id. An invite in
 * flight becomes a provisional invitation dated from when it was issued.
 *
 * The app that restores has forgotten what was ringing, so every active invitation gets its ring
 * decision again once the device is connected: those still open ring again (their deadline is
 * unchanged, so they ring for the time that remains), and those whose deadline passed meanwhile
 * do not, and time out as their re-armed timers come due. Data modified meanwhile reaches the app
 * either way: in the ring, or as `onInvitationModified` when it no longer rings. A modification
 * sent again this way sets the data here too once the IM takes it, and the app hears of it.
 *
 * @module
 */
import type { Either } from 'fp-ts/lib/Either.js'
import * as E from '#fp-ts/Either.js'
import { pipe } from '#fp-ts/function.js'
import * as t from 'io-ts'
import { ActionType, type Envelope } from '../wire/envelope.js'
import { inviteeStateCount, restoreInvitees } from './invitees.js'
import { newInvitation, savedInvitation, restoredInvitation, type SavedInvitation } from './record.js'
import type { EngineConfig, EngineState, HeldMessage, InFlight, Invitation } from './state.js'
import { dictionary, endedAtOf, initialState, nothingYet } from './state.js'

export type { SavedInvitation } from './record.js'

/** What `snapshot()` returns: the engine's state as JSON, tagged with its format. */
export interface EngineSnapshot {
  readonly format: 'beckon.engine/1'
  readonly userID: string
  readonly deviceID: string
  readonly invitations: readonly SavedInvitation[]
  readonly held: readonly HeldMessage[]
  readonly outbox: readonly InFlight[]
  /** See `EngineState.forgottenUpTo`. */
  readonly forgottenUpTo?: Readonly<Record<string, number>>
}

const InvitationShape = t.type({
  inviteID: t.string,
  inviter: t.string,
  groupID: t.string,
  data: t.string,
  timeout: t.number,
  onlineUserOnly: t.boolean,
  takenAt: t.number,
  provisional: t.boolean,
  inviteMessageID: t.string,
  sentHere: t.boolean,
  presented: t.boolean,
  deferred: t.array(t.UnknownRecord),
  invitees: t.array(t.string),
  states: t.array(t.number),
  decisions: t.array(t.union([t.null, t.UnknownRecord])),
  pendingCount: t.number,
  endedAt: t.union([t.number, t.null]),
})

const SnapshotShape = t.type({
  format: t.literal('beckon.engine/1'),
  userID: t.string,
  deviceID: t.string,
  invitations: t.array(InvitationShape),
  held: t.array(t.type({ message: t.UnknownRecord, envelope: t.UnknownRecord })),
  outbox: t.array(t.UnknownRecord),
  forgottenUpTo: t.union([t.undefined, t.record(t.string, t.number)]),
})

/** An invite whose receipt was lost in the crash: dated from when it was issued, until better known. */
const provisionalInvite = (state: EngineState, envelope: Envelope, issuedAt: number): Invitation =>
  newInvitation(state, { envelope, takenAt: issuedAt, provisional: true, inviteMessageID: '', sentHere: true, presented: true })

/**
 * The data the app of the saved instance was told of, if it was told of the invitation at all:
 * the current data once the ring decision was made, or what an earlier restore had kept.
 */
const shownBefore = (invitation: SavedInvitation): string | undefined => {
  if (invitation.presented) return invitation.data
  return typeof invitation.shownData === 'string' ? invitation.shownData : undefined
}

const orNothingYet = <T>(list: T[]): T[] => (list.length === 0 ? nothingYet : list)

/** The state as a JSON-ready snapshot (a deep copy: later steps do not change it). */
export const snapshotOf = (state: EngineState): EngineSnapshot => {
  const unacknowledged = [...state.inFlight.values()].map((entry): InFlight => ({ ...entry, origin: 'engine', commandID: '' }))
  const snapshot: EngineSnapshot = {
    format: 'beckon.engine/1',
    userID: state.config.userID,
    deviceID: state.config.deviceID,
    invitations: Array.from(state.invitations.values(), (invitation) => savedInvitation(state, invitation)),
    held: [...state.held.values()].flat(),
    outbox: [...state.outbox, ...unacknowledged],
    forgottenUpTo: Object.fromEntries(state.forgottenUpTo),
  }
  return JSON.parse(JSON.stringify(snapshot)) as EngineSnapshot
}

/** Rebuilds a state from a snapshot taken by the same user and device, or says why it cannot. */
export const restoreState = (snapshot: unknown, config: EngineConfig): Either<string, EngineState> =>
  pipe(
    SnapshotShape.decode(JSON.parse(JSON.stringify(snapshot ?? null)) as unknown),
    E.mapLeft(() => 'not a beckon engine snapshot'),
    E.chain((decoded) =>
      decoded.userID === config.userID && decoded.deviceID === config.deviceID
        ? E.right(decoded as unknown as EngineSnapshot)
        : E.left(`the snapshot belongs to ${decoded.userID}/${decoded.deviceID}`),
    ),
    E.chain((decoded) => {
      // A state index the machine does not have would be read as another state, or as none.
      const bad = decoded.invitations.find((invitation) => !invitation.states.every((code) => Number.isInteger(code) && code >= 0 && code < inviteeStateCount))
      return bad === undefined ? E.right(decoded) : E.left(`invitation ${bad.inviteID}: states: expected integers from 0 to ${inviteeStateCount - 1}, got ${JSON.stringify(bad.states)}`)
    }),
    E.map((decoded) => {
      // Filled in rather than written as a literal: every state of a process has the one shape
      // the engine's optimised code was compiled for (see initialState).
      const state = initialState(config)
      const { invitations, activeByInviter, held } = state
      let activeCount = 0
      for (const invitation of decoded.invitations) {
        const again = invitation.endedAt === null && !invitation.sentHere
        // Empty lists are the shared `nothingYet` again, so the first write makes a full one.
        const restored = restoredInvitation(state, invitation, {
          flags: { ...invitation, presented: again ? false : invitation.presented },
          deferred: again ? nothingYet : orNothingYet(invitation.deferred),
          shownData: again ? shownBefore(invitation) : undefined,
        })
        restoreInvitees(restored, invitation.states, invitation.decisions)
        invitations.set(invitation.inviteID, restored)
        if (invitation.endedAt === null) activeCount++
      }
      for (const entry of decoded.outbox) {
        const { envelope } = entry
        if (envelope.actionType !== ActionType.invite || entry.replaces !== undefined || invitations.has(envelope.inviteID)) continue
        invitations.set(envelope.inviteID, provisionalInvite(state, envelope, entry.issuedAt))
        activeCount++
      }
      state.ended = decoded.invitations
        .filter((invitation) => invitation.endedAt !== null)
        .sort((a, b) => (a.endedAt ?? 0) - (b.endedAt ?? 0))
        .map((invitation) => invitation.inviteID)
      for (const invitation of invitations.values()) {
        if (endedAtOf(invitation) === null) activeByInviter.set(invitation.inviter, (activeByInviter.get(invitation.inviter) ?? 0) + 1)
      }
      for (const entry of decoded.held) {
        const list = held.get(entry.envelope.inviteID)
        if (list === undefined) held.set(entry.envelope.inviteID, [entry])
        else list.push(entry)
      }
      for (const [user, upTo] of Object.entries(decoded.forgottenUpTo ?? {})) state.forgottenUpTo.set(user, upTo)
      state.activeCount = activeCount
      state.heldCount = decoded.held.length
      state.outbox = decoded.outbox.map((entry) => ({ ...entry, overruled: dictionary<never[]>() }))
      return state
    }),
  )
