/**
 * `createSignaling`: the shell around the engine. It turns method calls, transport events and
 * timers into engine inputs and carries out the effects the engine returns; it is the only code
 * that touches the ports.
 *
 * @module
 */
import * as E from 'fp-ts/lib/Either.js'
import { failure, SignalingError, type SignalingFailure } from '../errors.js'
import { compiledInviteeMachine } from '../machine/compile.js'
import type { Diagnostic, DiagnosticReason, Effect, Input, Notification } from '../engine/io.js'
import { restoreState, snapshotOf } from '../engine/snapshot.js'
import { defaultLimits, initialState, type EngineState, type Limits } from '../engine/state.js'
import { step } from '../engine/step.js'
import { getInvitation, listInvitations } from '../engine/views.js'
import { TransportError, type Clock, type IncomingMessage, type TimerHandle } from '../ports.js'
import { decodeEnvelope, Envelope, encodeEnvelope } from '../wire/envelope.js'
import { randomUUIDs, systemClock } from './defaults.js'
import { createInspectionMirror, type InspectionMirror } from './inspection.js'
import type { InviteOptions, Signaling, SignalingInfo, SignalingListener, SignalingOptions } from './types.js'

const defaultTimeoutSeconds = 30
/** Runtimes cap timer delays at 2^31 - 1 ms; a longer wait fires early and is armed again. */
const maxDelayMs = 2_147_483_647

const failureOf = (error: unknown): SignalingFailure => {
  if (error instanceof TransportError) {
    if (error.reason === 'Disconnected') return failure('Disconnected', error.message)
    if (error.reason === 'NotMember' || error.reason === 'NoSuchGroup') return failure('NotGroupMember', error.message)
    return failure('TransportFailed', error.message)
  }
  return failure('TransportFailed', error instanceof Error ? error.message : String(error))
}

const infoOf = (envelope: Envelope, serverTime?: number): SignalingInfo => {
  const { beckon: _extension, ...info } = envelope
  return serverTime === undefined ? { ...info, inviteeList: [...info.inviteeList] } : { ...info, inviteeList: [...info.inviteeList], serverTime }
}

/** A limit that cannot mean anything is a programmer error, said at once. */
const checkedLimits = (limits: Limits): Limits => {
  for (const [name, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new TypeError(`limits.${name} must be a positive integer, got ${String(value)}`)
  }
  return limits
}

const decodeReasons: Record<string, DiagnosticReason> = {
  Oversized: 'oversized',
  NotJson: 'not-json',
  NotSignaling: 'not-signaling',
  Malformed: 'malformed',
}

/**
 * Creates the signaling API of one device over an IM transport.
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
  }
  const state: EngineState =
    options.restore === undefined
      ? initialState(config)
      : E.getOrElseW((why: string) => {
          throw new TypeError(`cannot restore: ${why}`)
        })(restoreState(options.restore, config))

  const listeners = new Set<SignalingListener>()
  const diagnosticListeners = new Set<(diagnostic: Diagnostic) => void>()
  const diagnosticCounts: Partial<Record<DiagnosticReason, number>> = {}
  const commands = new Map<string, { resolve: (value: string) => void; reject: (error: Error) => void }>()
  const timers = new Map<string, TimerHandle>()
  const mirror: InspectionMirror | undefined = options.inspect === undefined ? undefined : createInspectionMirror(options.inspect)
  let closed = false

  // ---------------------------------------------------------------------------------------------
  // Running the engine and carrying out its effects
  // ---------------------------------------------------------------------------------------------

  const stamp = () => ({ now: transport.serverNow(), actionID: ids() })

  const run = (input: Input): void => {
    if (closed) return
    for (const effect of step(state, input).effects) perform(effect)
  }

  const diagnose = (diagnostic: Diagnostic): void => {
    diagnosticCounts[diagnostic.reason] = (diagnosticCounts[diagnostic.reason] ?? 0) + 1
    for (const listener of diagnosticListeners) listener(diagnostic)
  }

  const perform = (effect: Effect): void => {
    switch (effect.type) {
      case 'send':
      case 'replace': {
        const payload = encodeEnvelope(effect.envelope)
        const sent = effect.type === 'send' ? transport.send(effect.to, payload, effect.options) : transport.replace(effect.to, effect.messageID, payload)
        sent.then(
          (receipt) => run({ type: 'send.taken', sendID: effect.sendID, receipt, ...stamp() }),
          (error: unknown) => run({ type: 'send.failed', sendID: effect.sendID, failure: failureOf(error), ...stamp() }),
        )
        return
      }
      case 'notify':
        return deliver(effect.notification)
      case 'timer.set':
        return arm(effect.key, effect.at)
      case 'timer.clear':
        return disarm(effect.key)
      case 'settle': {
        const command = commands.get(effect.commandID)
        if (command === undefined) return
        commands.delete(effect.commandID)
        if (E.isRight(effect.result)) command.resolve(effect.result.right)
        else command.reject(new SignalingError(effect.result.left))
        return
      }
      case 'diagnostic':
        return diagnose(effect.diagnostic)
      case 'trace': {
        const mismatch = mirror?.transition(effect.inviteID, effect.invitee, effect.event, effect.state)
        if (mismatch !== undefined) diagnose({ reason: 'inspector-mismatch', detail: mismatch, inviteID: effect.inviteID })
        return
      }
      case 'trace.invitation':
        if (effect.change === 'created') mirror?.created(effect.inviteID, effect.invitees)
        else mirror?.removed(effect.inviteID, effect.invitees)
        return
    }
  }

  const arm = (key: string, at: number): void => {
    disarm(key)
    const delay = Math.min(maxDelayMs, Math.max(0, at - transport.serverNow()))
    timers.set(
      key,
      clock.setTimeout(() => {
        timers.delete(key)
        run({ type: 'timer.fired', key, ...stamp() })
      }, delay),
    )
  }

  const disarm = (key: string): void => {
    const handle = timers.get(key)
    if (handle === undefined) return
    timers.delete(key)
    clock.clearTimeout(handle)
  }

  const deliver = (n: Notification): void => {
    for (const listener of [...listeners]) {
      try {
        switch (n.type) {
          case 'onReceiveNewInvitation':
            listener.onReceiveNewInvitation?.(n.inviteID, n.inviter, n.groupID, [...n.inviteeList], n.data)
            break
          case 'onInviteeAccepted':
            listener.onInviteeAccepted?.(n.inviteID, n.invitee, n.data)
            break
          case 'onInviteeRejected':
            listener.onInviteeRejected?.(n.inviteID, n.invitee, n.data)
            break
          case 'onInvitationCancelled':
            listener.onInvitationCancelled?.(n.inviteID, n.inviter, n.data, [...n.inviteeList])
            break
          case 'onInvitationTimeout':
            listener.onInvitationTimeout?.(n.inviteID, [...n.inviteeList])
            break
          case 'onInvitationModified':
            listener.onInvitationModified?.(n.inviteID, n.data)
            break
        }
      } catch (error) {
        diagnose({ reason: 'listener-threw', detail: `${n.type}: ${error instanceof Error ? error.message : String(error)}`, inviteID: n.inviteID })
      }
    }
  }

  /** Runs a command; its promise settles when the engine says so (after the IM answered). */
  const command = (build: (commandID: string, stamp: { now: number; actionID: string }) => Input): Promise<string> =>
    new Promise<string>((resolve, reject) => {
      if (closed) return reject(new SignalingError(failure('Disconnected', 'this signaling instance is closed')))
      const commandID = ids()
      commands.set(commandID, { resolve, reject })
      run(build(commandID, stamp()))
    })

  // ---------------------------------------------------------------------------------------------
  // Transport events
  // ---------------------------------------------------------------------------------------------

  const onMessage = (message: IncomingMessage): void => {
    const decoded = decodeEnvelope(message.payload)
    if (E.isLeft(decoded)) {
      diagnose({ reason: decodeReasons[decoded.left._tag] ?? 'malformed', detail: decoded.left.detail, messageID: message.messageID })
      return
    }
    run({ type: 'message.received', message, envelope: decoded.right, ...stamp() })
  }

  const unsubscribers = [
    transport.onMessage(onMessage),
    transport.onConnectionChange((connection) => run({ type: 'connection.changed', state: connection, ...stamp() })),
  ]

  if (mirror !== undefined && options.restore !== undefined) {
    mirror.restored(
      Object.values(state.invitations).flatMap((invitation) =>
        invitation.invitees.map((invitee, i) => ({
          inviteID: invitation.inviteID,
          invitee,
          state: compiledInviteeMachine.states[invitation.states[i] ?? 0]!,
          decision: invitation.decisions[i] ?? null,
        })),
      ),
    )
  }
  run({ type: 'connection.changed', state: transport.connectionState, ...stamp() })

  // ---------------------------------------------------------------------------------------------
  // The API
  // ---------------------------------------------------------------------------------------------

  const inviteCommand = (groupID: string, inviteeList: readonly string[], members: readonly string[] | undefined, data: string | undefined, opts: InviteOptions | undefined) =>
    command((commandID, stamped) => ({
      type: 'command.invite',
      commandID,
      ...stamped,
      inviteID: ids(),
      groupID,
      inviteeList,
      ...(members === undefined ? {} : { members }),
      data: data ?? '',
      timeout: opts?.timeout ?? defaultTimeoutSeconds,
      onlineUserOnly: opts?.onlineUserOnly ?? false,
      ...(opts?.offlinePushInfo === undefined ? {} : { offlinePushInfo: opts.offlinePushInfo }),
    }))

  const answerCommand = (type: 'command.cancel' | 'command.accept' | 'command.reject' | 'command.modify', inviteID: string, data: string | undefined) =>
    command((commandID, stamped) => ({ type, commandID, ...stamped, inviteID, data: data ?? '' })).then(() => undefined)

  return {
    userID: transport.userID,
    deviceID: transport.deviceID,
    invite: (invitee, data, opts) => inviteCommand('', [invitee], undefined, data, opts),
    inviteInGroup: async (groupID, inviteeList, data, opts) => {
      if (typeof groupID !== 'string' || groupID === '') throw new SignalingError(failure('InvalidParameter', 'groupID must be a non-empty string'))
      let members: readonly string[] = []
      if (state.connected) {
        members = await transport.getGroupMembers(groupID).catch(() => [])
      }
      return inviteCommand(groupID, Array.isArray(inviteeList) ? inviteeList : [], members, data, opts)
    },
    cancel: (inviteID, data) => answerCommand('command.cancel', inviteID, data),
    accept: (inviteID, data) => answerCommand('command.accept', inviteID, data),
    reject: (inviteID, data) => answerCommand('command.reject', inviteID, data),
    modifyInvitation: (inviteID, data) => answerCommand('command.modify', inviteID, data),
    getSignalingInfo: (message) => {
      const payload = typeof message === 'string' ? message : (message as { payload?: unknown } | null)?.payload
      if (typeof payload !== 'string') return null
      const decoded = decodeEnvelope(payload)
      if (E.isLeft(decoded)) return null
      const serverTime = typeof message === 'object' && 'serverTime' in message ? message.serverTime : undefined
      return infoOf(decoded.right, serverTime)
    },
    addInvitedSignaling: (info) => {
      const decoded = Envelope.decode(JSON.parse(JSON.stringify(info ?? null)) as unknown)
      if (E.isLeft(decoded)) return Promise.reject(new SignalingError(failure('InvalidParameter', 'not a valid signaling info')))
      const serverTime = typeof info.serverTime === 'number' && Number.isFinite(info.serverTime) ? info.serverTime : undefined
      return command((commandID, stamped) => ({
        type: 'command.addInvited',
        commandID,
        ...stamped,
        envelope: decoded.right,
        ...(serverTime === undefined ? {} : { serverTime }),
      })).then(() => undefined)
    },
    getInvitation: (inviteID) => getInvitation(state, inviteID),
    listInvitations: () => listInvitations(state),
    snapshot: () => snapshotOf(state),
    addSignalingListener: (listener) => {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    addDiagnosticListener: (listener) => {
      diagnosticListeners.add(listener)
      return () => void diagnosticListeners.delete(listener)
    },
    diagnosticCounts: () => ({ ...diagnosticCounts }),
    close: () => {
      if (closed) return
      closed = true
      for (const unsubscribe of unsubscribers) unsubscribe()
      for (const key of [...timers.keys()]) disarm(key)
      for (const { reject } of commands.values()) reject(new SignalingError(failure('Disconnected', 'this signaling instance was closed')))
      commands.clear()
      mirror?.stop()
    },
  }
}
