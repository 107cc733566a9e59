/**
 * Saving and restoring the engine's state. A snapshot is plain JSON; restoring it validates its
 * shape (a snapshot may come from disk) and rebuilds prototype-free dictionaries. Commands whose
 * promises died with the old instance are dropped; their decisions stand (the IM most likely took
 * them), and timeouts the engine had not yet seen taken are sent again.
 *
 * The app that restores has forgotten what was ringing, so every active invitation gets its ring
 * decision again once the device is connected: those still open ring again (their deadline is
 * unchanged, so they ring for the time that remains), and those whose deadline passed meanwhile
 * do not, and time out as their re-armed timers come due.
 *
 * @module
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as t from 'io-ts'
import type { EngineConfig, EngineState, HeldMessage, InFlight, Invitation } from './state.js'
import { dictionary } from './state.js'

/** What `snapshot()` returns: the engine's state as JSON, tagged with its format. */
export interface EngineSnapshot {
  readonly format: 'beckon.engine/1'
  readonly userID: string
  readonly deviceID: string
  readonly invitations: readonly Invitation[]
  readonly held: readonly HeldMessage[]
  readonly outbox: readonly InFlight[]
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
  decisions: t.UnknownRecord,
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
})

/** The state as a JSON-ready snapshot (a deep copy: later steps do not change it). */
export const snapshotOf = (state: EngineState): EngineSnapshot => {
  const engineSends = Object.values(state.inFlight).filter((entry) => entry.origin === 'engine')
  const snapshot: EngineSnapshot = {
    format: 'beckon.engine/1',
    userID: state.config.userID,
    deviceID: state.config.deviceID,
    invitations: Object.values(state.invitations),
    held: Object.values(state.held).flat(),
    outbox: [...state.outbox, ...engineSends],
  }
  return JSON.parse(JSON.stringify(snapshot)) as EngineSnapshot
}

/** Rebuilds a state from a snapshot taken by the same user and device, or says why it cannot. */
export const restoreState = (snapshot: unknown, config: EngineConfig): E.Either<string, EngineState> =>
  pipe(
    SnapshotShape.decode(JSON.parse(JSON.stringify(snapshot ?? null)) as unknown),
    E.mapLeft(() => 'not a beckon engine snapshot'),
    E.chain((decoded) =>
      decoded.userID === config.userID && decoded.deviceID === config.deviceID
        ? E.right(decoded as unknown as EngineSnapshot)
        : E.left(`the snapshot belongs to ${decoded.userID}/${decoded.deviceID}`),
    ),
    E.map((decoded) => {
      const invitations = dictionary<Invitation>()
      let activeCount = 0
      for (const invitation of decoded.invitations) {
        const active = invitation.endedAt === null
        invitations[invitation.inviteID] = {
          ...invitation,
          decisions: Object.assign(dictionary(), invitation.decisions),
          presented: active ? false : invitation.presented,
          deferred: active ? [] : invitation.deferred,
        }
        if (active) activeCount++
      }
      const ended = decoded.invitations
        .filter((invitation) => invitation.endedAt !== null)
        .sort((a, b) => (a.endedAt ?? 0) - (b.endedAt ?? 0))
        .map((invitation) => invitation.inviteID)
      const held = dictionary<HeldMessage[]>()
      for (const entry of decoded.held) (held[entry.envelope.inviteID] ??= []).push(entry)
      return {
        config,
        connected: false,
        invitations,
        activeCount,
        ended,
        endedFrom: 0,
        held,
        heldCount: decoded.held.length,
        inFlight: dictionary<InFlight>(),
        outbox: decoded.outbox.map((entry) => ({ ...entry, overruled: dictionary<never[]>() })),
      }
    }),
  )
