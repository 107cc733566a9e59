/**
 * `createSignaling`: the signaling API of one device (SPEC §2), over the shell that runs the
 * engine (`shell.ts`).
 *
 * @module
 */
import * as E from '#fp-ts/Either.js'
import { failure, SignalingError } from '../errors.js'
import { restoreState, snapshotOf } from '../engine/snapshot.js'
import { decisionOf, stateName } from '../engine/invitees.js'
import { initialState, inviteesOf, type EngineState } from '../engine/state.js'
import { getInvitation, listInvitations } from '../engine/views.js'
import type { AnswerCommand, InviteCommand } from '../engine/io.js'
import type { Clock } from '../ports.js'
import { decodeEnvelope, type Envelope } from '../wire/envelope.js'
import { randomIdSource, systemClock } from './defaults.js'
import { createInspectionMirror, type InspectionMirror } from './inspection.js'
import { inspectionSinkOf } from './inspectOption.js'
import { createListeners, holdUntilSettled, type Listeners } from './listeners.js'
import { groupMembers } from './groupMembers.js'
import { guardSignaling } from './guard.js'
import { checkOptions, limitsOf } from './options.js'
import { createShell } from './shell.js'
import { refuseTencentWebShape } from './tencentWebShape.js'
import { createStore } from './store.js'
import { readSignalingInfo } from './signalingInfo.js'
import type { InviteOptions, Signaling, SignalingInfo, SignalingOptions } from './types.js'

const defaultTimeoutSeconds = 30

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

const infoOf = (envelope: Envelope, serverTime?: number): SignalingInfo => {
  const { beckon: _extension, ...info } = envelope
  const inviteeList = [...info.inviteeList]
  return serverTime === undefined ? { ...info, inviteeList } : { ...info, inviteeList, serverTime }
}

const mirrorRestored = (mirror: InspectionMirror, state: EngineState): void =>
  mirror.restored(
    [...state.invitations.values()].flatMap((invitation) =>
      inviteesOf(invitation).map((invitee, i) => ({
        inviteID: invitation.inviteID,
        invitee,
        state: stateName(invitation, i),
        decision: decisionOf(invitation, i),
      })),
    ),
  )

/** Reads the `inspect` option (throwing on a shape it cannot take) and mirrors this device's view. */
const mirrorFor = (option: unknown, party: { userID: string; deviceID: string }, listeners: Listeners): InspectionMirror =>
  createInspectionMirror({
    party: { userID: party.userID, deviceID: party.deviceID },
    sink: inspectionSinkOf(option),
    mismatch: (inviteID, detail) => listeners.diagnose({ reason: 'inspector-mismatch', detail, inviteID }),
    sinkThrew: (error) => listeners.threw(error, { listener: 'inspect' }),
  })

/**
 * Creates the signaling API of one device over an IM transport.
 *
 * Listeners added in the same synchronous block as this call hear everything, including
 * invitations a restored instance rings again at once.
 *
 * Every call of the result is checked first (`guard.ts`): a bad argument to a promise method
 * rejects with 6017 naming the parameter, what was expected and what was given; a synchronous
 * method throws a `TypeError` saying the same.
 *
 * @throws TypeError naming the option when an option is missing, misspelled or of the wrong kind,
 * when `restore` is not a snapshot, or when the runtime has no random source and `ids` is not given.
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
  checkOptions(options)
  const { transport } = options
  const clock: Clock = options.clock ?? transport.clock ?? systemClock
  const ids = options.ids ?? randomIdSource()
  const config = {
    userID: transport.userID,
    deviceID: transport.deviceID,
    limits: limitsOf(options.limits),
    trace: options.inspect !== undefined,
    ...(transport.maxPayloadBytes === undefined ? {} : { maxPayloadBytes: transport.maxPayloadBytes }),
  }
  const state: EngineState =
    options.restore === undefined
      ? initialState(config)
      : E.getOrElseW((why: string) => {
          throw new TypeError(`createSignaling: options.restore: cannot restore: ${why}`)
        })(restoreState(options.restore, config))
  const listeners = createListeners(options.onListenerError)
  const mirror = options.inspect === undefined ? undefined : mirrorFor(options.inspect, transport, listeners)
  if (mirror !== undefined && options.restore !== undefined) mirrorRestored(mirror, state)
  const shell = createShell(state, { transport, clock, ids, listeners, mirror })
  const store = createStore(state, listeners)

  const unsubscribers = [transport.onMessage(shell.onMessage), transport.onConnectionChange(shell.onConnectionChange)]
  shell.onConnectionChange(transport.connectionState)
  queueMicrotask(listeners.ready)

  // The shell stamps a command with its ids and the time (`start`): the placeholders here
  // (`commandID`, `now`, `actionID`) give the object its final shape, built in one literal
  // without a closure around it.

  const invite = (
    inviteID: string,
    groupID: string,
    inviteeList: readonly string[],
    members: readonly string[] | undefined,
    data: string | undefined,
    opts: InviteOptions | undefined,
    holding?: string,
  ) => {
    // One literal, the optional keys added only when given: spreads of empty objects were a
    // measurable share of a 1:1 invite through the facade.
    const input: Mutable<InviteCommand> = {
      type: 'command.invite',
      commandID: '',
      now: 0,
      actionID: '',
      inviteID,
      groupID,
      inviteeList,
      data: data ?? '',
      timeout: opts?.timeout ?? defaultTimeoutSeconds,
      onlineUserOnly: opts?.onlineUserOnly ?? false,
    }
    if (members !== undefined) input.members = members
    if (opts?.offlinePushInfo !== undefined) input.offlinePushInfo = opts.offlinePushInfo
    if (opts?.audience !== undefined) input.audience = opts.audience
    return shell.command<string>(input, holding)
  }

  const answer = (type: AnswerCommand['type'], inviteID: string, data: string | undefined) =>
    shell.command<void>({ type, commandID: '', now: 0, actionID: '', inviteID, data: data ?? '' })

  return refuseTencentWebShape(guardSignaling({
    userID: transport.userID,
    deviceID: transport.deviceID,
    invite: (invitee, data, opts) => {
      const inviteID = ids()
      return invite(inviteID, '', [invitee], undefined, data, opts, inviteID)
    },
    inviteInGroup: (groupID, inviteeList, data, opts) => {
      const inviteID = ids()
      const promise = (async () => {
        const members = state.connected ? await groupMembers(transport, groupID) : E.right([])
        if (E.isLeft(members)) throw new SignalingError(members.left)
        return invite(inviteID, groupID, inviteeList, members.right, data, opts)
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
      if (E.isLeft(read)) return Promise.reject(new SignalingError(failure('InvalidParameter', `addInvitedSignaling: ${read.left}`)))
      const { envelope, serverTime } = read.right
      return shell.command<void>({ type: 'command.addInvited', commandID: '', now: 0, actionID: '', envelope, ...(serverTime === undefined ? {} : { serverTime }) })
    },
    getInvitation: (inviteID) => getInvitation(state, inviteID),
    listInvitations: () => listInvitations(state),
    snapshot: () => snapshotOf(state),
    subscribe: store.subscribe,
    getSnapshot: store.getSnapshot,
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
      store.close()
    },
  }))
}
