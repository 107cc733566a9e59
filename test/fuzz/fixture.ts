/**
 * The world the transport fuzz runs in: one `MemoryIm` (virtual time), five watched devices each
 * running `createSignaling`, two attacker devices with bare transports, and a realistic state —
 * 1:1 and group invitations, pending, answered, cancelled, timed out, modified, online-only, two
 * with ids that name `Object.prototype` members, and messages held for invitations not yet known —
 * so that mutated messages hit known invitations.
 *
 * bob's tablet keeps at most 3 tombstones (`maxEndedInvitations`), so replays also reach a device
 * that forgot ended invitations before their retention period was over.
 *
 * Every watched device is instrumented: its listener callbacks, its sends, the timers it arms and
 * its diagnostics are counted, and every message it received while the state was built is kept
 * for replays.
 *
 * @module
 */
import { createSignaling, type Clock, type Diagnostic, type IncomingMessage, type Limits, type Signaling } from '@beckon/core'
import { MemoryIm, type MemoryTransport } from '@beckon/adapter-memory'
import { counterIds } from '../support/world.js'

/** Every user that exists in the fuzz world (the attacker pools draw senders from these and more). */
export const users = ['alice', 'bob', 'carol', 'dave', 'mallory'] as const

/** Group membership, as made in {@link buildWorld}. */
export const groups: Readonly<Record<string, readonly string[]>> = {
  g1: ['alice', 'bob', 'carol', 'dave'],
  g2: ['bob', 'alice', 'carol'],
}

/** A group's members, or `[]` for a group that does not exist (ids from the fuzz may be `constructor`). */
export const membersOf = (groupID: string): readonly string[] => (Object.hasOwn(groups, groupID) ? groups[groupID]! : [])

/** What a watched device did; the fuzz reads the counters before and after each input. */
export interface Probe {
  callbacks: number
  /** Calls of the state-change listener (`addStateChangeListener`, where the facade has one). */
  stateChanges: number
  sends: number
  /** The timers armed on the device's clock and not yet fired or cleared, with their due times. */
  readonly timers: Map<unknown, number>
  /** Diagnostics seen by `addDiagnosticListener`, appended as they come. */
  readonly diagnostics: Diagnostic[]
}

/** A device running the signaling library, watched by the fuzz. */
export interface Watched {
  /** `user` on its default device, else `user/device`. */
  readonly name: string
  readonly userID: string
  readonly deviceID: string
  readonly signaling: Signaling
  readonly transport: MemoryTransport
  readonly probe: Probe
  /** Every message this device received while the state was built, in order (the replay pool). */
  readonly received: IncomingMessage[]
}

export interface FuzzWorld {
  readonly im: MemoryIm
  readonly devices: readonly Watched[]
  /** Bare transports (no signaling) that send as an authenticated user. */
  readonly attackers: { readonly mallory: MemoryTransport; readonly carolEvil: MemoryTransport }
  /** The fixture's invitation ids by label. */
  readonly ids: Readonly<Record<string, string>>
  /** The ids of the two messages held at bob and alice for invitations nobody has seen. */
  readonly heldIDs: readonly string[]
}

/** A clock that keeps track of the timers armed on it and not yet fired or cleared. */
const countingClock = (clock: Clock, probe: Probe): Clock => ({
  now: () => clock.now(),
  setTimeout: (fn, ms) => {
    const handle: unknown = clock.setTimeout(() => {
      probe.timers.delete(handle)
      fn()
    }, ms)
    probe.timers.set(handle, clock.now() + ms)
    return handle
  },
  clearTimeout: (handle) => {
    probe.timers.delete(handle)
    clock.clearTimeout(handle)
  },
})

const watch = (im: MemoryIm, recording: { on: boolean }, userID: string, deviceID = 'default', limits: Partial<Limits> = {}): Watched => {
  const name = deviceID === 'default' ? userID : `${userID}/${deviceID}`
  const probe: Probe = { callbacks: 0, stateChanges: 0, sends: 0, timers: new Map(), diagnostics: [] }
  const transport = im.connect(userID, { deviceID })
  // Count what the engine makes the device send (a hostile input must make it send nothing).
  const send = transport.send.bind(transport)
  const replace = transport.replace.bind(transport)
  transport.send = (to, payload, options) => {
    probe.sends++
    return send(to, payload, options)
  }
  transport.replace = (to, messageID, payload) => {
    probe.sends++
    return replace(to, messageID, payload)
  }
  const received: IncomingMessage[] = []
  transport.onMessage((message) => {
    if (recording.on) received.push(message)
  })
  const signaling = createSignaling({ transport, clock: countingClock(im.clock, probe), ids: counterIds(`${name}:`), limits })
  const count = (): void => {
    probe.callbacks++
  }
  signaling.addSignalingListener({
    onReceiveNewInvitation: count,
    onInviteeAccepted: count,
    onInviteeRejected: count,
    onInvitationCancelled: count,
    onInvitationTimeout: count,
    onInvitationModified: count,
  })
  signaling.addDiagnosticListener((diagnostic) => probe.diagnostics.push(diagnostic))
  onStateChange(signaling, () => {
    probe.stateChanges++
  })
  return { name, userID, deviceID, signaling, transport, probe, received }
}

/**
 * Subscribes to the facade's state-change notifications ("called after every input that changed
 * the engine's state") if this version of the facade has them; returns whether it does.
 */
export const onStateChange = (signaling: Signaling, listener: () => void): boolean => {
  const subscribe = (signaling as Partial<{ addStateChangeListener(listener: () => void): () => void }>).addStateChangeListener
  if (typeof subscribe !== 'function') return false
  subscribe.call(signaling, listener)
  return true
}

/** A Tencent envelope, as another client (or beckon) would send it. */
const envelope = (fields: Record<string, unknown>): string =>
  JSON.stringify({ businessID: 1, groupID: '', data: '', timeout: 0, onlineUserOnly: false, ...fields })

/**
 * Builds the world and its state. Deterministic: the same calls, ids and virtual times every run.
 * Ends with the replay pools closed (later messages are not recorded) and nothing in flight.
 */
export const buildWorld = async (): Promise<FuzzWorld> => {
  const im = new MemoryIm()
  const recording = { on: true }
  const alice = watch(im, recording, 'alice')
  const bob = watch(im, recording, 'bob')
  // A constrained device: it keeps at most 3 tombstones, so the oldest go before their retention.
  const tablet = watch(im, recording, 'bob', 'tablet', { maxEndedInvitations: 3 })
  const carol = watch(im, recording, 'carol')
  const dave = watch(im, recording, 'dave')
  const devices = [alice, bob, tablet, carol, dave]
  const mallory = im.connect('mallory')
  const carolEvil = im.connect('carol', { deviceID: 'evil' })
  await im.settle()
  for (const [groupID, [creator, ...members]] of Object.entries(groups)) {
    const owner = devices.find((device) => device.name === creator)!
    await owner.transport.createGroup(groupID, members)
  }
  await im.settle()

  const ids: Record<string, string> = {}
  const step = async <T>(promise: Promise<T>): Promise<T> => {
    const result = await promise
    await im.settle()
    return result
  }
  // 1:1, alice -> bob: pending (long timeout), pending and modified (no timeout), accepted on bob's
  // tablet, rejected, cancelled, and one that times out below.
  ids.pending = await step(alice.signaling.invite('bob', 'p1', { timeout: 3600 }))
  ids.modified = await step(alice.signaling.invite('bob', 'p2', { timeout: 0 }))
  await step(alice.signaling.modifyInvitation(ids.modified, 'p2 modified'))
  ids.accepted = await step(alice.signaling.invite('bob', 'a1'))
  await step(tablet.signaling.accept(ids.accepted, 'yes'))
  ids.rejected = await step(alice.signaling.invite('bob', 'r1'))
  await step(bob.signaling.reject(ids.rejected, 'busy'))
  ids.cancelled = await step(alice.signaling.invite('bob', 'c1'))
  await step(alice.signaling.cancel(ids.cancelled, 'bye'))
  ids.timedOut = await step(alice.signaling.invite('bob', 't1', { timeout: 1 }))
  // 1:1 the other way (bob's tablet holds it as the inviter's other device), and an online-only one.
  ids.reverse = await step(bob.signaling.invite('alice', 'b1', { timeout: 3600 }))
  ids.onlineOnly = await step(alice.signaling.invite('carol', 'o1', { timeout: 3600, onlineUserOnly: true }))
  // Group g1 (alice, bob, carol, dave): pending; partly answered; cancelled; carol's, half answered.
  ids.groupPending = await step(alice.signaling.inviteInGroup('g1', ['bob', 'carol'], 'gp', { timeout: 3600 }))
  ids.groupMixed = await step(alice.signaling.inviteInGroup('g1', ['bob', 'carol', 'dave'], 'gm', { timeout: 3600 }))
  await step(bob.signaling.accept(ids.groupMixed, 'in'))
  await step(carol.signaling.reject(ids.groupMixed, 'out'))
  ids.groupCancelled = await step(alice.signaling.inviteInGroup('g1', ['carol', 'dave'], 'gc'))
  await step(alice.signaling.cancel(ids.groupCancelled, 'class over'))
  ids.groupByCarol = await step(carol.signaling.inviteInGroup('g1', ['alice', 'bob'], 'gx', { timeout: 0 }))
  await step(bob.signaling.reject(ids.groupByCarol, 'no'))
  // Group g2 (bob, alice, carol): pending.
  ids.otherGroup = await step(bob.signaling.inviteInGroup('g2', ['alice', 'carol'], 'g2i', { timeout: 0 }))

  // Invitations whose ids are Object.prototype members, as another client may send them (its
  // messages arrive as the IM delivers them: injected here, with their authenticated sender).
  ids.proto = '__proto__'
  const protoInvite = envelope({ inviteID: '__proto__', inviter: 'alice', inviteeList: ['bob'], data: 'proto', actionType: 1, beckon: { actionID: 'x-proto-1' } })
  im.inject({ userID: 'bob' }, { sender: 'alice', senderDevice: 'web', payload: protoInvite })
  im.inject({ userID: 'bob', deviceID: 'tablet' }, { sender: 'alice', senderDevice: 'web', payload: protoInvite })
  im.inject(
    { userID: 'alice' },
    { sender: 'alice', senderDevice: 'web', conversation: { kind: 'user', userID: 'bob' }, fromMyOtherDevice: true, payload: protoInvite },
  )
  ids.ctor = 'constructor'
  const ctorInvite = envelope({
    inviteID: 'constructor',
    groupID: 'g1',
    inviter: 'carol',
    inviteeList: ['bob', 'dave'],
    data: 'ctor',
    actionType: 1,
    beckon: { actionID: 'x-ctor-1' },
  })
  for (const device of devices) {
    const fromMe = device.userID === 'carol'
    im.inject(
      { userID: device.userID, deviceID: device.deviceID },
      { sender: 'carol', senderDevice: 'web', conversation: { kind: 'group', groupID: 'g1' }, fromMyOtherDevice: fromMe, payload: ctorInvite },
    )
  }
  await im.settle()
  await step(bob.signaling.accept('constructor', 'k'))

  // Held: a cancel that overtook its invite at bob, an accept that overtook it at alice.
  const heldIDs = ['held-1', 'held-2']
  im.inject({ userID: 'bob' }, { sender: 'alice', senderDevice: 'web', payload: envelope({ inviteID: 'held-1', inviter: 'alice', inviteeList: ['bob'], actionType: 2, beckon: { actionID: 'x-held-1' } }) })
  im.inject({ userID: 'alice' }, { sender: 'bob', senderDevice: 'web', payload: envelope({ inviteID: 'held-2', inviter: 'alice', inviteeList: ['bob'], actionType: 3, beckon: { actionID: 'x-held-2' } }) })

  // Let `t1` time out everywhere (its 1 s deadline, the inviter's + 5 s, everyone else's + 10 s).
  await im.clock.advance(20_000)
  await im.settle()
  // Close the replay pools: from here on every message is a fuzz input, not a fixture message.
  recording.on = false
  return { im, devices, attackers: { mallory, carolEvil }, ids, heldIDs }
}
