/**
 * The shell around the engine: it feeds the engine its inputs in order and carries out the
 * effects the engine returns on the transport, the clock and the app's listeners. It is the only
 * code that touches the ports.
 *
 * Transport events and fired timers go through one queue, in the order they happened. Before
 * acting on a deadline, and before ringing an invite that spent long in transit, the shell
 * refreshes the transport's estimate of the server clock (`syncServerTime`), so a drifting local
 * clock neither times out early nor rings late. That wait never holds up anything else: the event
 * that needs the clock steps aside until the next reading, and everything behind it goes on (a
 * message about an invitation the engine does not know yet is held by the engine and applied when
 * the invite comes). Readings are coalesced: at most one is in flight, and an event that needs one
 * while one is in flight waits for that one — so under load a device asks the server at most once
 * per round trip, however many deadlines fall due (a reading that started up to one round trip
 * before the event adds at most the local clock's drift over that round trip).
 *
 * @module
 */
import * as E from '#fp-ts/Either.js'
import { failure, SignalingError, type SignalingFailure } from '../errors.js'
import type { DiagnosticReason, Effect, Input } from '../engine/io.js'
import { setTimerSlot, timerSlotOf, withoutEntry, type EngineState, type Invitation } from '../engine/state.js'
import { stepInto } from '../engine/step.js'
import { TransportError, type Clock, type TransportFailure, type ConnectionState, type ImTransport, type IncomingMessage, type SendReceipt, type TimerHandle } from '../ports.js'
import { ActionType, decodePayload, encodeEnvelope, isDecodeFailure } from '../wire/envelope.js'
import { Deadlines } from './deadlines.js'
import type { InspectionMirror } from './inspection.js'
import { deliverNotification, holdCallbacks, releaseHeld, type Listeners } from './listeners.js'

/** Runtimes cap timer delays at 2^31 - 1 ms; a longer wait fires early and is armed again. */
const maxDelayMs = 2_147_483_647
/** An invite older than this when it arrives may have outlived its deadline: check the clock first. */
const staleInviteMs = 2_000
/** How long to wait for the server's clock before acting on the estimate anyway. */
const syncWaitMs = 2_000

/**
 * The last message decoded here, and what its payload decoded to (shared by every signaling
 * instance of the process). A group message reaches every member device of an embedded IM as the
 * very same payload under one message id: a thousand member devices in one process decode it once
 * rather than a thousand times (decoding was a tenth of a 1,000-member group's answers on the
 * embedded IM, in a CPU profile). The decoded envelope is only ever read.
 *
 * The message ids are compared first: comparing the payload alone with the last one (every
 * answer to a group invitation has the length of the others) about doubled what a received
 * answer cost through the facade, measured alternately with and without that comparison.
 */
let lastMessageID: string | undefined
let lastPayload: string | undefined
let lastDecoded: ReturnType<typeof decodePayload> | undefined

const decode = ({ messageID, payload }: IncomingMessage): ReturnType<typeof decodePayload> => {
  if (messageID === lastMessageID && payload === lastPayload && typeof payload === 'string') return lastDecoded!
  const decoded = decodePayload(payload)
  lastMessageID = messageID
  lastPayload = typeof payload === 'string' ? payload : undefined
  lastDecoded = decoded
  return decoded
}

const decodeReasons: Record<string, DiagnosticReason> = { Oversized: 'oversized', NotJson: 'not-json', NotSignaling: 'not-signaling', Malformed: 'malformed' }

/** The failure each transport failure is to the app; any other is `TransportFailed`. */
const failureTags: Partial<Record<TransportFailure, SignalingFailure['_tag']>> = {
  Disconnected: 'Disconnected',
  NotMember: 'NotGroupMember',
  NoSuchGroup: 'NotGroupMember',
  AuthenticationFailed: 'AuthenticationFailed',
}

const failureOf = (error: unknown): SignalingFailure =>
  failure((error instanceof TransportError && failureTags[error.reason]) || 'TransportFailed', error instanceof Error ? error.message : String(error))

const ignore = (): void => undefined

/** The commands the facade hands the shell: those the engine settles a promise for. */
type CommandInput = Extract<Input, { readonly commandID: string }>
/** Each member of a union with its keys writable. */
type Writable<T> = T extends unknown ? { -readonly [K in keyof T]: T[K] } : never

// A command's promise takes its settling functions through one shared executor rather than a
// closure per call (one closure and its context fewer per command); they are read back at once,
// before anything else can make a promise here.
let capturedResolve: (value: string | undefined) => void = ignore
let capturedReject: (error: Error) => void = ignore
const captureSettlers = (resolve: (value: never) => void, reject: (error: Error) => void): void => {
  capturedResolve = resolve as (value: string | undefined) => void
  capturedReject = reject
}

/** An app's call waiting for the engine to settle its promise. */
interface PendingCommand {
  readonly resolve: (value: string | undefined) => void
  readonly reject: (error: Error) => void
  /** Whether the promise resolves with the invite id, or with nothing (an answer to an invitation). */
  readonly withID: boolean
  /** The invitation whose callbacks wait for this promise to settle, if any (`holdCallbacks`). */
  readonly holding: string | undefined
  /** The promise, for {@link rejectCommand}. */
  readonly promise: Promise<unknown>
}

/**
 * Rejects a command's promise. One that holds callbacks (an invite's) is first marked handled: its
 * failure is not an unhandled rejection when the app handles it a while later (after awaiting
 * something else first), as it was when its callbacks were held by a reaction on the promise.
 * Marked as it fails rather than as it is made: a reaction per invite was one more promise and
 * reaction in every 1:1 lifecycle, for the few that fail.
 */
const rejectCommand = (command: PendingCommand, error: Error): void => {
  if (command.holding !== undefined) command.promise.catch(ignore)
  command.reject(error)
}

/** Something that happened outside the app's calls, waiting its turn for the engine. */
type Event =
  | { readonly type: 'message'; readonly message: IncomingMessage }
  | { readonly type: 'connection'; readonly state: ConnectionState }
  | { readonly type: 'timer'; readonly key: string; readonly deadline: boolean }

export interface ShellPorts {
  readonly transport: ImTransport
  readonly clock: Clock
  readonly ids: () => string
  readonly listeners: Listeners
  readonly mirror: InspectionMirror | undefined
}

export type Shell = ReturnType<typeof createShell>

export const createShell = (state: EngineState, ports: ShellPorts) => {
  const { transport, clock, ids, listeners, mirror } = ports
  /**
   * Commands waiting for the engine, by command id; a fresh `Map` whenever the last one is taken
   * out, for the reason the engine's table of sends in flight is one (`EngineState.inFlight`): a
   * promoted table kept the commands it had held (their promises, settling functions and what those
   * reach) alive through young collections. Over the direct IM about 1.8 KB a 1:1 lifecycle was
   * promoted only to die through these two tables; a young `Map` per emptying costs a hundred bytes.
   */
  let commands = new Map<string, PendingCommand>()
  // An invitation holds its own deadline's record number; the keys of held messages have none.
  const deadlines = new Deadlines<Invitation>({ holderOf: (key) => state.invitations.get(key), slotOf: timerSlotOf, setSlot: setTimerSlot })
  /** The one clock timer, set for `wakeFor` (no later than the earliest deadline), while there is one. */
  let wake: TimerHandle | undefined
  let wakeFor = Number.POSITIVE_INFINITY
  const queue: Event[] = []
  let closed = false

  /**
   * Timer effects wait until the outermost step's other effects are done: arming a clock timer
   * cost a received invite's ring about a sixth of the library's time before it (a rearm is a
   * runtime timer), and no timer can fire before the running code returns anyway. They are kept in
   * order across nested steps (a listener answering the ring it is told of), so a clear that a
   * nested step made still comes after the set its outer step made.
   */
  const timerEffects: Extract<Effect, { type: 'timer.set' | 'timer.clear' }>[] = []
  /**
   * How many of `timerEffects` wait. The array keeps its room between steps: emptied by setting
   * its length, it let go of its backing store, and a fresh one was allocated at the next push
   * (a thirtieth of what a 1:1 lifecycle allocated through the facade).
   */
  let timerCount = 0
  let depth = 0
  /**
   * The effects array of each nesting level of steps (a listener's call steps again while the
   * step that told it runs), reused from step to step rather than an array and a result object per
   * step (a seventh of what a group member's device allocated per answer). Emptied by popping,
   * which keeps the array's room; setting its length to 0 let go of it, and the next push
   * allocated room for 17.
   */
  const buffers: Effect[][] = []

  const run = (input: Input): void => {
    if (closed) return
    const effects = (buffers[depth++] ??= [])
    try {
      const changed = stepInto(state, input, effects)
      for (const effect of effects) perform(effect)
      if (changed) listeners.changed()
    } finally {
      while (effects.length > 0) effects.pop()
      if (--depth === 0) applyTimerEffects()
    }
  }

  const applyTimerEffects = (): void => {
    for (let i = 0; i < timerCount; i++) {
      const effect = timerEffects[i]!
      if (closed) break
      if (effect.type === 'timer.set') arm(effect.key, effect.at, effect.deadline)
      else disarm(effect.key, effect.invitation)
    }
    timerCount = 0
  }

  // -----------------------------------------------------------------------------------------------
  // Effects
  // -----------------------------------------------------------------------------------------------

  const perform = (effect: Effect): void => {
    switch (effect.type) {
      case 'send':
      case 'replace':
        return send(effect)
      case 'notify':
        return deliverNotification(listeners, effect.notification)
      case 'timer.set':
      case 'timer.clear':
        return void (timerEffects[timerCount++] = effect)
      case 'settle':
        return settle(effect.commandID, effect.result)
      case 'diagnostic':
        return listeners.diagnose(effect.diagnostic)
      case 'trace':
        return mirror?.transition(effect.inviteID, effect.invitee, effect.event, effect.state)
      case 'trace.invitation':
        if (effect.change === 'created') mirror?.created(effect.inviteID, effect.invitees)
        else if (effect.change === 'reset') for (const invitee of effect.invitees) mirror?.reset(effect.inviteID, invitee)
        else mirror?.removed(effect.inviteID, effect.invitees)
        return
    }
  }

  const send = (effect: Extract<Effect, { type: 'send' | 'replace' }>): void => {
    const payload = encodeEnvelope(effect.envelope)
    const sent = effect.type === 'send' ? transport.send(effect.to, payload, effect.options) : transport.replace(effect.to, effect.messageID, payload)
    sent.then(
      (receipt) => (closed ? settleClosed(effect.sendID, E.right(effect.envelope.inviteID)) : sendTaken(effect.sendID, receipt)),
      (error: unknown) =>
        closed
          ? settleClosed(effect.sendID, E.left(failureOf(error)))
          : run({ type: 'send.failed', sendID: effect.sendID, failure: failureOf(error), now: transport.serverNow() }),
    )
  }

  /**
   * The input of every receipt, filled in afresh for each, as `received` is for messages: the
   * engine reads its fields as the step starts and keeps none of it (two objects fewer per 1:1
   * lifecycle).
   */
  const taken: Writable<Extract<Input, { type: 'send.taken' }>> = { type: 'send.taken', sendID: '', receipt: undefined!, now: Number.NaN }

  const sendTaken = (sendID: string, receipt: SendReceipt): void => {
    taken.sendID = sendID
    taken.receipt = receipt
    taken.now = transport.serverNow()
    run(taken)
    taken.receipt = undefined!
  }

  const settle = (commandID: string, result: E.Either<SignalingFailure, string>): void => {
    const command = commands.get(commandID)
    if (command === undefined) return
    commands = withoutEntry(commands, commandID) // see `commands`
    if (E.isRight(result)) command.resolve(command.withID ? result.right : undefined)
    else rejectCommand(command, new SignalingError(result.left))
    if (command.holding !== undefined) releaseHeld(listeners, command.holding)
  }

  /** After `close()` the engine no longer runs, but what the IM took still resolves its promise. */
  const settleClosed = (sendID: string, result: E.Either<SignalingFailure, string>): void => {
    const entry = state.inFlight.get(sendID)
    if (entry !== undefined && entry.origin === 'app') settle(entry.commandID, result)
  }

  // One clock timer for every deadline (see deadlines.ts), set for a time no later than the
  // earliest: it is moved only when an earlier deadline is armed, and cancelled when no deadline
  // is left. A deadline cleared or moved later leaves it where it is; if it then wakes with
  // nothing due, it is set for the earliest then (`wakeUp`). Moving it at once cost a clock
  // timer cleared and one set, a closure and a look into the heap, about three times per 1:1
  // lifecycle (the engine moves or clears an invitation's deadline when it ends).

  const arm = (key: string, at: number, deadline: boolean): void => {
    deadlines.set(key, at, deadline)
    if (at < wakeFor) rearm()
  }

  // A clear names its invitation when the step forgot it (a tombstone dropped early): the store
  // no longer finds it by the key, and the record it keeps the number of is counted off at once.
  const disarm = (key: string, invitation: Invitation | undefined): void => {
    deadlines.clear(key, invitation)
    if (deadlines.size === 0 && wake !== undefined) rearm()
  }

  const rearm = (): void => {
    if (wake !== undefined) clock.clearTimeout(wake)
    wake = undefined
    const earliest = deadlines.earliest()
    wakeFor = earliest ?? Number.POSITIVE_INFINITY
    if (earliest === undefined) return
    const delay = Math.max(0, earliest - transport.serverNow())
    // Past the runtime's longest delay the timer wakes early, takes nothing and is set again.
    const upTo = delay > maxDelayMs ? Number.NEGATIVE_INFINITY : earliest
    wake = clock.setTimeout(() => wakeUp(upTo), Math.min(maxDelayMs, delay))
  }

  /** Every deadline due by the one the timer was set for fires, in order. */
  const wakeUp = (upTo: number): void => {
    wake = undefined
    wakeFor = Number.POSITIVE_INFINITY
    const due = deadlines.takeDue(upTo)
    rearm()
    for (const { key, deadline } of due) enqueue({ type: 'timer', key, deadline })
  }

  // -----------------------------------------------------------------------------------------------
  // Events, in order, after the server's clock where it matters
  // -----------------------------------------------------------------------------------------------

  const enqueue = (event: Event): void => {
    if (closed) return
    queue.push(event)
    drain()
  }

  let draining = false

  const drain = (): void => {
    if (draining) return
    draining = true
    try {
      while (queue.length > 0) {
        const event = queue.shift()!
        if (needsClock(event)) afterClockReading(event)
        else handle(event)
      }
    } finally {
      draining = false
    }
  }

  const needsClock = (event: Event): boolean => {
    if (transport.syncServerTime === undefined || clockChecked.has(event)) return false
    if (event.type === 'timer') return event.deadline
    if (event.type !== 'message' || event.message.modified) return false
    if (transport.serverNow() - event.message.serverTime <= staleInviteMs) return false
    const decoded = decode(event.message)
    return !isDecodeFailure(decoded) && decoded.actionType === ActionType.invite
  }

  // -----------------------------------------------------------------------------------------------
  // Server clock readings: coalesced, one in flight, never in anyone else's way
  // -----------------------------------------------------------------------------------------------

  /** Events that have had their reading and go back to the queue as they are. */
  const clockChecked = new WeakSet<Event>()
  /** Events waiting for the reading in flight; `undefined` while none is. */
  let waitingForReading: Event[] | undefined

  const afterClockReading = (event: Event): void => {
    if (waitingForReading !== undefined) {
      waitingForReading.push(event)
      return
    }
    const waiting = (waitingForReading = [event])
    void syncServerClock().then(() => {
      waitingForReading = undefined
      if (closed) return
      // One by one: spread as arguments, a reading that a flood of old invites waited for (past
      // ~100,000) would overflow the stack.
      for (const waited of waiting) {
        clockChecked.add(waited)
        queue.push(waited)
      }
      drain()
    })
  }

  /** One reading of the server's clock; gives up after `syncWaitMs` and goes on with the estimate. */
  const syncServerClock = (): Promise<void> =>
    new Promise((resolve) => {
      const giveUp = clock.setTimeout(resolve, syncWaitMs)
      const done = () => {
        clock.clearTimeout(giveUp)
        resolve()
      }
      transport.syncServerTime!().then(done, done)
    })

  /**
   * The input of every received message, filled in afresh for each: the engine reads its fields
   * as the step starts and keeps none of it, and an object per message (with the box of its
   * `now`, a time too large for a small integer) was a tenth of what a group member's device
   * allocated per answer.
   */
  const received: Writable<Extract<Input, { type: 'message.received' }>> = { type: 'message.received', message: undefined!, envelope: undefined!, now: Number.NaN }

  const handleMessage = (message: IncomingMessage): void => {
    const decoded = decode(message)
    if (isDecodeFailure(decoded)) {
      const { _tag, detail } = decoded
      return listeners.diagnose({ reason: decodeReasons[_tag] ?? 'malformed', detail, messageID: message.messageID })
    }
    // No action id: a received message never makes the engine send (a fresh UUID per message
    // was a tenth of a group member's cost per answer).
    received.message = message
    received.envelope = decoded
    received.now = transport.serverNow()
    run(received)
  }

  const handle = (event: Event): void => {
    switch (event.type) {
      case 'message':
        return handleMessage(event.message)
      case 'connection':
        return run({ type: 'connection.changed', state: event.state, now: transport.serverNow() })
      case 'timer':
        return run({ type: 'timer.fired', key: event.key, now: transport.serverNow(), actionID: ids() })
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Commands and shutdown
  // -----------------------------------------------------------------------------------------------

  /**
   * A command as the facade makes it, before the shell stamps it: `commandID`, `actionID` and
   * `now` are written over whatever it holds (placeholders of the same types, so the object keeps
   * its shape).
   */
  type Unstamped = Writable<CommandInput>

  /**
   * Stamps and runs a command; its promise settles when the engine says so (after the IM
   * answered): an invite's with the invite id, any other's with nothing (resolved so at the source,
   * rather than through one more promise per call). With `holding`, the callbacks about that
   * invitation wait until the promise settled and the app's continuation of it ran
   * (`holdCallbacks`).
   */
  const command = <T>(input: Unstamped, holding?: string): Promise<T> => {
    const promise = new Promise<T>(captureSettlers)
    const pending: PendingCommand = { resolve: capturedResolve, reject: capturedReject, withID: input.type === 'command.invite', holding, promise }
    if (closed) {
      rejectCommand(pending, new SignalingError(failure('Disconnected', 'this signaling instance is closed')))
      return promise
    }
    if (holding !== undefined) holdCallbacks(listeners, holding)
    // A command sends at most one message, so the fresh id of that message names the command too:
    // one id per call instead of two. It stays unique across a restore, which a counter would not
    // (a restored message in flight still names the command of the instance that saved it).
    const actionID = ids()
    commands.set(actionID, pending)
    input.commandID = actionID
    input.actionID = actionID
    input.now = transport.serverNow()
    run(input as CommandInput)
    return promise
  }

  const close = (): void => {
    if (closed) return
    closed = true
    queue.length = 0
    deadlines.clearAll()
    if (wake !== undefined) clock.clearTimeout(wake)
    wake = undefined
    const sending = new Set([...state.inFlight.values()].map((entry) => entry.commandID))
    for (const [commandID, pending] of commands) {
      if (sending.has(commandID)) continue
      commands.delete(commandID)
      rejectCommand(pending, new SignalingError(failure('Disconnected', 'this signaling instance was closed')))
      if (pending.holding !== undefined) releaseHeld(listeners, pending.holding)
    }
    mirror?.stop()
  }

  /**
   * A message that arrives while nothing waits or runs is handled at once, without an event record
   * or a trip through the queue (when the transport reads the server's clock, every message goes
   * through the queue, which decides whether it waits for a reading).
   */
  const onMessage = (message: IncomingMessage): void => {
    if (closed) return
    if (draining || queue.length > 0 || transport.syncServerTime !== undefined) return enqueue({ type: 'message', message })
    draining = true
    try {
      handleMessage(message)
    } finally {
      draining = false
    }
    if (queue.length > 0) drain()
  }

  return {
    onMessage,
    onConnectionChange: (connection: ConnectionState) => enqueue({ type: 'connection', state: connection }),
    command,
    close,
  }
}

