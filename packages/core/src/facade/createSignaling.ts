/**
 * `createSignaling`: the signaling API of one device (SPEC §2), over the shell that runs the
 * engine (`shell.ts`).
 *
 * @module
 */
import * as E from '#fp-ts/Either.js'
import { failure, SignalingError } from '../errors.js'
import { compiledInviteeMachine } from '../machine/compile.js'
import { restoreState, snapshotOf } from '../engine/snapshot.js'
import { defaultLimits, initialState, type EngineState, type Limits } from '../engine/state.js'
import { getInvitation, listInvitations } from '../engine/views.js'
import type { Clock } from '../ports.js'
import { decodeEnvelope, type Envelope } from '../wire/envelope.js'
import { randomUUIDs, systemClock } from './defaults.js'
import { createInspectionMirror, type InspectionMirror } from './inspection.js'
import { inspectionSinkOf } from './inspectOption.js'
import { createListeners, holdUntilSettled, type Listeners } from './listeners.js'
import { createShell } from './shell.js'
import { refuseTencentWebShape } from './tencentWebShape.js'
import { readSignalingInfo } from './signalingInfo.js'
import type { InviteOptions, Signaling, SignalingInfo, SignalingOptions } from './types.js'

const defaultTimeoutSeconds = 30

/** A limit that cannot mean anything is a programmer error, said at once. */
const checkedLimits = (limits: Limits): Limits => {
  for (const [name, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new TypeError(`limits.${name} must be a positive integer, got ${String(value)}`)
  }
  return limits
}

const infoOf = (envelope: Envelope, serverTime?: number): SignalingInfo => {
  const { beckon: _extension, ...info } = envelope
  const inviteeList = [...info.inviteeList]
  return serverTime === undefined ? { ...info, inviteeList } : { ...info, inviteeList, serverTime }
}

const mirrorRestored = (mirror: InspectionMirror, state: EngineState): void =>
  mirror.restored(
    [...state.invitations.values()].flatMap((invitation) =>
      invitation.invitees.map((invitee, i) => ({
        inviteID: invitation.inviteID,
        invitee,
        state: compiledInviteeMachine.states[invitation.states[i] ?? compiledInviteeMachine.initial]!,
        decision: invitation.decisions[i] ?? null,
      })),
    ),
  )

/** Reads the `inspect` option (throwing on a shape it cannot take) and mirrors this device's view. */
const mirrorFor = (option: unknown, party: { userID: string; deviceID: string }, listeners: Listeners): InspectionMirror =>
  createInspectionMirror({
    party: { userID: party.userID, deviceID: party.deviceID },
    sink: inspectionSinkOf(option),
    mismatch: (inviteID, detail) => listeners.diagnose({ reason: 'inspector-mismatch', detail, inviteID }),
    sinkThrew: (error) => listeners.diagnose({ reason: 'listener-threw', detail: `inspect: ${error instanceof Error ? error.message : String(error)}` }),
  })

/**
 * Creates the signaling API of one device over an IM transport.
 *
 * Listeners added in the same synchronous block as this call hear everything, including
 * invitations a restored instance rings again at once.
 *
 * @example
 * ```ts
 * const im = new MemoryIm()
 * const alice = createSignaling({ transport: im.connect('alice') })
 * const bob = createSignaling({ transport: im.connect('bob') })
 * bob.addSignalingListener({ onReceiveNewInvitation: (id) => void bob.accept(id) })
 * const inviteID = await alice.invite('bob', JSON.stringify({ room_id: 42 }), { timeout: 30 })
 * ```
 */
export const createSignaling = (options: SignalingOptions): Signaling => {
  const { transport } = options
  const clock: Clock = options.clock ?? transport.clock ?? systemClock
  const ids = options.ids ?? randomUUIDs
  const config = {
    userID: transport.userID,
    deviceID: transport.deviceID,
    limits: checkedLimits({ ...defaultLimits, ...options.limits }),
    trace: options.inspect !== undefined,
    ...(transport.maxPayloadBytes === undefined ? {} : { maxPayloadBytes: transport.maxPayloadBytes }),
  }
  const state: EngineState =
    options.restore === undefined
      ? initialState(config)
      : E.getOrElseW((why: string) => {
          throw new TypeError(`cannot restore: ${why}`)
        })(restoreState(options.restore, config))
  const listeners = createListeners()
  const mirror = options.inspect === undefined ? undefined : mirrorFor(options.inspect, transport, listeners)
  if (mirror !== undefined && options.restore !== undefined) mirrorRestored(mirror, state)
  const shell = createShell(state, { transport, clock, ids, listeners, mirror })

  const unsubscribers = [transport.onMessage(shell.onMessage), transport.onConnectionChange(shell.onConnectionChange)]
  shell.onConnectionChange(transport.connectionState)
  queueMicrotask(listeners.ready)

  const invite = (inviteID: string, groupID: string, inviteeList: readonly string[], members: readonly string[] | undefined, data: string | undefined, opts: InviteOptions | undefined) =>
    shell.command((commandID, stamped) => ({
      type: 'command.invite',
      commandID,
      ...stamped,
      inviteID,
      groupID,
      inviteeList,
      ...(members === undefined ? {} : { members }),
      data: data ?? '',
      timeout: opts?.timeout ?? defaultTimeoutSeconds,
      onlineUserOnly: opts?.onlineUserOnly ?? false,
      ...(opts?.offlinePushInfo === undefined ? {} : { offlinePushInfo: opts.offlinePushInfo }),
      ...(opts?.audience === undefined ? {} : { audience: opts.audience }),
    }))

  const answer = (type: 'command.cancel' | 'command.accept' | 'command.reject' | 'command.modify', inviteID: string, data: string | undefined) =>
    shell.command((commandID, stamped) => ({ type, commandID, ...stamped, inviteID, data: data ?? '' })).then(() => undefined)

  return refuseTencentWebShape({
    userID: transport.userID,
    deviceID: transport.deviceID,
    invite: (invitee, data, opts) => {
      const inviteID = ids()
      const promise = invite(inviteID, '', [invitee], undefined, data, opts)
      holdUntilSettled(listeners, inviteID, promise)
      return promise
    },
    inviteInGroup: (groupID, inviteeList, data, opts) => {
      const inviteID = ids()
      const promise = (async () => {
        if (typeof groupID !== 'string' || groupID === '') throw new SignalingError(failure('InvalidParameter', 'groupID must be a non-empty string'))
        const members = state.connected ? await transport.getGroupMembers(groupID).catch(() => []) : []
        return invite(inviteID, groupID, Array.isArray(inviteeList) ? inviteeList : [], members, data, opts)
      })()
      holdUntilSettled(listeners, inviteID, promise)
      return promise
    },
    cancel: (inviteID, data) => answer('command.cancel', inviteID, data),
    accept: (inviteID, data) => answer('command.accept', inviteID, data),
    reject: (inviteID, data) => answer('command.reject', inviteID, data),
    modifyInvitation: (inviteID, data) => answer('command.modify', inviteID, data),
    getSignalingInfo: (message) => {
      const payload = typeof message === 'string' ? message : (message as { payload?: unknown } | null)?.payload
      if (typeof payload !== 'string') return null
      const decoded = decodeEnvelope(payload)
      if (E.isLeft(decoded)) return null
      const serverTime = typeof message === 'object' && 'serverTime' in message ? message.serverTime : undefined
      // Online-only if the envelope or the message says so (Tencent's Web SDK marks the message only).
      const onlineUserOnly = typeof message === 'object' && 'onlineUserOnly' in message && message.onlineUserOnly === true
      return infoOf(onlineUserOnly ? { ...decoded.right, onlineUserOnly } : decoded.right, serverTime)
    },
    addInvitedSignaling: (info) => {
      const read = readSignalingInfo(info)
      if (E.isLeft(read)) return Promise.reject(new SignalingError(failure('InvalidParameter', read.left)))
      const { envelope, serverTime } = read.right
      return shell
        .command((commandID, stamped) => ({ type: 'command.addInvited', commandID, ...stamped, envelope, ...(serverTime === undefined ? {} : { serverTime }) }))
        .then(() => undefined)
    },
    getInvitation: (inviteID) => getInvitation(state, inviteID),
    listInvitations: () => listInvitations(state),
    snapshot: () => snapshotOf(state),
    addSignalingListener: (listener) => {
      listeners.signaling.add(listener)
      return () => void listeners.signaling.delete(listener)
    },
    addDiagnosticListener: (listener) => {
      listeners.diagnostics.add(listener)
      return () => void listeners.diagnostics.delete(listener)
    },
    addStateChangeListener: (listener) => {
      listeners.changes.add(listener)
      return () => void listeners.changes.delete(listener)
    },
    diagnosticCounts: () => ({ ...listeners.counts }),
    close: () => {
      for (const unsubscribe of unsubscribers) unsubscribe()
      shell.close()
    },
  })
}
