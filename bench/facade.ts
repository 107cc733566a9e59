/**
 * 1:1 invitations through the whole library (`createSignaling`: shell, codec, engine, listeners):
 * lifecycles per second over the zero-cost direct IM and over the embedded IM, and the memory a
 * pending invitation costs a device, timers included.
 *
 * A lifecycle is invite → ring → accept → inviter told (`onInviteeAccepted`). Lifecycles run in
 * batches of concurrent invitations spread over caller/callee pairs, so no device passes the
 * engine's per-inviter cap or its tombstone bound; invite and action ids are the library's default
 * (random UUIDs), as an app would have them.
 *
 * @module
 */
import { ActionType, createSignaling, encodeEnvelope, type ImTransport, type Signaling } from '@beckon/core'
import { MemoryIm } from '@beckon/adapter-memory'
import { DirectIm } from './directIm.js'
import { FloorDevice, type FloorListener } from './facadeFloor.js'
import { retainedBytes } from './memory.js'

export type ImKind = 'direct' | 'memory'
/**
 * What a facade sample runs: the library over either IM, or the floor (`facadeFloor.ts`: a device
 * with none of the library's logic) over the direct IM.
 */
export type FacadeContender = ImKind | 'floor'

/** The part of `Signaling` the lifecycles call, which the floor's device has too. */
interface Device {
  readonly userID: string
  invite(invitee: string, data: string): Promise<string>
  accept(inviteID: string): Promise<void>
  addSignalingListener(listener: FloorListener): void
}

const devices: Readonly<Record<FacadeContender, { readonly world: ImKind; readonly device: (transport: ImTransport) => Device }>> = {
  direct: { world: 'direct', device: (transport) => createSignaling({ transport }) },
  memory: { world: 'memory', device: (transport) => createSignaling({ transport }) },
  floor: { world: 'direct', device: (transport) => new FloorDevice(transport) },
}

interface World {
  readonly connect: (userID: string) => ImTransport
  /** Lets everything in flight happen. */
  readonly settle: () => Promise<void>
}

const drainMicrotasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

const worlds: Readonly<Record<ImKind, () => World>> = {
  direct: () => {
    const im = new DirectIm()
    return { connect: (userID) => im.connect(userID), settle: drainMicrotasks }
  },
  memory: () => {
    const im = new MemoryIm()
    return { connect: (userID) => im.connect(userID), settle: () => im.settle() }
  },
}

const PAIRS = 20
/** Concurrent invitations per batch: 20 per caller, well under the 100 a callee admits from one inviter. */
const BATCH = 400
const DATA = '{"room_id":42}'

export interface RateSample {
  readonly lifecycles: number
  readonly ms: number
}

/** Builds `PAIRS` caller/callee pairs on a fresh IM; callees accept on ring, callers count what they are told. */
const pairsOn = async (contender: FacadeContender) => {
  const { world: kind, device } = devices[contender]
  const world = worlds[kind]()
  const counts = { told: 0, failed: 0 }
  // One handler for every failed command, rather than a closure per call: the app's code here is
  // the bench's, not the library's.
  const failed = (): void => void counts.failed++
  const pairs = Array.from({ length: PAIRS }, (_, p) => {
    const caller = device(world.connect(`caller-${p}`))
    const callee = device(world.connect(`callee-${p}`))
    callee.addSignalingListener({ onReceiveNewInvitation: (inviteID) => void callee.accept(inviteID).catch(failed) })
    caller.addSignalingListener({ onInviteeAccepted: () => void counts.told++ })
    return { caller, callee: callee.userID }
  })
  await world.settle()
  return { world, counts, failed, pairs }
}

type Pairs = Awaited<ReturnType<typeof pairsOn>>

const runLifecycles = async ({ world, counts, failed, pairs }: Pairs, lifecycles: number): Promise<RateSample> => {
  const start = performance.now()
  let launched = counts.told + counts.failed
  const target = launched + lifecycles
  while (launched < target) {
    const batch = Math.min(BATCH, target - launched)
    for (let k = 0; k < batch; k++) {
      const { caller, callee } = pairs[k % PAIRS]!
      caller.invite(callee, DATA).catch(failed)
    }
    launched += batch
    for (let idle = 0; counts.told + counts.failed < launched; idle++) {
      if (idle > 1_000) throw new Error(`lifecycles stalled: ${counts.told} told of ${launched}`)
      await world.settle()
    }
  }
  if (counts.failed > 0) throw new Error(`${counts.failed} commands failed`)
  return { lifecycles, ms: performance.now() - start }
}

/**
 * Lifecycles run on the same pairs before a sample is timed. With 4,000 (and 10,000 timed, about
 * a quarter of a second), a sample still ran while V8 compiled the path: samples of one build
 * read 26,600-43,300 lifecycles/s over the direct IM, and 18,000-29,000/s in single runs of 10,000,
 * where the same build ran at 52,000-59,000/s after 20,000. What an app's device does all day is
 * the compiled path, so that is what is timed.
 */
const WARM_UP = 20_000

/** One sample: a warm-up on the same pairs ({@link WARM_UP}), a full GC, then `lifecycles` timed. */
export const sampleFacade = async (contender: FacadeContender, lifecycles: number): Promise<RateSample> => {
  const pairs = await pairsOn(contender)
  await runLifecycles(pairs, Math.min(lifecycles, WARM_UP))
  globalThis.gc?.()
  return runLifecycles(pairs, lifecycles)
}

// -------------------------------------------------------------------------------------------------
// Memory per pending 1:1 invitation
// -------------------------------------------------------------------------------------------------

/** What a memory reading keeps alive until it is taken. */
const sink: unknown[] = []

/** Pending invitations measured for the memory figure, after a warm-up of `WARM_PENDING`. */
export const PENDING_1TO1 = 10_000
const WARM_PENDING = 200
const CALLERS = 10
/** Measured runs of the pending-memory figure after an unmeasured one; the figure is their median. */
const PENDING_SAMPLES = 5

/**
 * Bytes the library retains per pending 1:1 invitation at one device, its timers included (the
 * direct IM's clock keeps every timer armed): the inviter's device after `PENDING_1TO1` invites
 * (to a user with no device, so nothing answers), or the invitee's device after as many invites
 * from `CALLERS` callers, rung and left unanswered. The caps on active invitations are raised to
 * hold that many (they bound counts, not what each invitation costs), and a first
 * `WARM_PENDING` invitations are made before the first reading, so nothing created once per
 * device — lazily built tables — is charged to the invitations.
 *
 * The heap also holds V8's code, and a single reading, taken while V8 still compiled and optimised
 * the paths a pending invitation runs, counted that code as well: the figure read 234-288 B from
 * one process to the next. So the same run is first made on a device that is not measured, which
 * compiles those paths, and the figure is the median of `PENDING_SAMPLES` runs on fresh devices
 * after it, each read between full GCs as before: every invitation, table and timer the library
 * keeps is still counted in each run. Each run's device stays alive to the end (in `sink`): a
 * device left to the GC could outlive the next run's first reading and be collected inside its
 * window (the next run then read near 0 B), which would take it off the figure.
 */
export const bytesPerPendingInvitation = async (side: 'inviter' | 'invitee'): Promise<number> => {
  await pendingOnce(side)
  const readings: number[] = []
  for (let k = 0; k < PENDING_SAMPLES; k++) readings.push(await pendingOnce(side))
  return readings.sort((a, b) => a - b)[PENDING_SAMPLES >> 1]!
}

/** One run of {@link bytesPerPendingInvitation} on a fresh device: bytes per pending invitation. */
const pendingOnce = async (side: 'inviter' | 'invitee'): Promise<number> => {
  const im = new DirectIm()
  const me = side === 'inviter' ? 'alice' : 'bob'
  const total = WARM_PENDING + PENDING_1TO1
  const signaling: Signaling = createSignaling({ transport: im.connect(me), limits: { maxActiveInvitations: total, maxActivePerInviter: total } })
  let rung = 0
  signaling.addSignalingListener({ onReceiveNewInvitation: () => void rung++ })
  await drainMicrotasks()
  // What arrives at the invitee is another client's invite, encoded before the first reading, and
  // flat, as a transport's decoder hands it over. The rope `JSON.stringify` returns is flattened by
  // the first search of it, the receiver's decoding: inside the measured window that turned the
  // bench's own pieces of each payload into one string, and the pieces it freed read as about
  // 110 bytes less per invitation than the library keeps (heap snapshots of both).
  const payloads = side === 'invitee' ? Array.from({ length: total }, (_, k) => [`caller-${k % CALLERS}`, flat(inviteFrom(`caller-${k % CALLERS}`))] as const) : []
  const pend = async (from: number, to: number): Promise<void> => {
    if (side === 'inviter') {
      await Promise.all(Array.from({ length: to - from }, () => signaling.invite('bob', DATA)))
    } else {
      for (const [caller, payload] of payloads.slice(from, to)) im.take({ userID: caller, deviceID: 'phone' }, { kind: 'user', userID: me }, payload)
    }
    await drainMicrotasks()
  }
  await pend(0, WARM_PENDING)
  const before = retainedBytes()
  await pend(WARM_PENDING, total)
  const after = retainedBytes()
  sink.push(payloads, signaling, im) // the payloads alive until the second reading, so they cancel out
  const held = signaling.listInvitations().filter((invitation) => invitation.active).length
  if (held !== total || (side === 'invitee' && rung !== total)) throw new Error(`${side}: ${held} pending, ${rung} rung`)
  return (after - before) / PENDING_1TO1
}

/** `text` as one flat string: reading a character makes V8 flatten a rope in place. */
const flat = (text: string): string => {
  void text.charCodeAt(0)
  return text
}

const inviteFrom = (caller: string): string =>
  encodeEnvelope({
    businessID: 1,
    inviteID: crypto.randomUUID(),
    groupID: '',
    inviter: caller,
    inviteeList: ['bob'],
    data: DATA,
    timeout: 30,
    actionType: ActionType.invite,
    onlineUserOnly: false,
    beckon: { actionID: crypto.randomUUID() },
  })
