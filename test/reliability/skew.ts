/**
 * A 1:1 call between devices whose local clocks are off the IM server's, for the clock-skew suite.
 *
 * Four devices: `alice` sends the invite, `alice/tablet` holds it silently (an "other holder",
 * `+ 10 s`), `bob` is the invitee's phone (it may be offline when the invite is sent and connect
 * later; it answers), `bob/watch` is the invitee's second device (it never answers). Each device
 * has its own `clockSkew`. Every callback is recorded with the IM server's time
 * (`im.clock.now()`) and the invitee's row of the device's view at that moment, so a law can ask
 * which fact — and so which device's timer — caused a timeout.
 *
 * The clock model (MemoryIm, `clocks.ts`): a device with drift `d` that last (re)connected at
 * server time `c` estimates the server time at server time `s` as `c + (s − c)(1 + d)` (± 1 ms of
 * rounding). A timer the engine arms for server time `at` therefore fires when the *estimate*
 * reaches `at`, i.e. at server time `c + (at − c)/(1 + d)`:
 * - a fast clock (`d > 0`) fires `(at − c)·d/(1 + d)` early ({@link earlyBy});
 * - a slow clock (`d < 0`) fires `(at − c)·(−d)/(1 + d)` late ({@link lateBy}).
 * The offset plays no part (it is measured away at connect). These two quantities are the error
 * of the device's time source; the engine cannot do better than its source unless it resyncs.
 *
 * @module
 */
import { createSignaling, type InvitationView, type InviteeView, type Signaling } from '@beckon/core'
import { MemoryIm, type MemoryTransport } from '@beckon/adapter-memory'
import { recordEvery } from '../support/callbacks.js'
import { counterIds, outcome } from '../support/world.js'

export const SECOND = 1000

export const WHO = ['alice', 'alice/tablet', 'bob', 'bob/watch'] as const
export type Who = (typeof WHO)[number]

export interface Skew {
  readonly offsetMs: number
  readonly drift: number
}

export interface SkewCase {
  /** Seed of the network's random latency. */
  readonly seed: number
  /** How long every device has been connected (and its estimate drifting) when alice invites. */
  readonly leadMs: number
  /** The invitation's timeout, in seconds (> 0). */
  readonly timeout: number
  /** Each delivery takes a random 0..latencyMax ms (FIFO per link). */
  readonly latencyMax: number
  readonly skews: Readonly<Record<Who, Skew>>
  /** `null`: bob's phone is online throughout; else it is offline and connects this long after the invite. */
  readonly bobConnectsAfter: number | null
  /** What bob does once his phone rings, `answerAfter` ms later (server time). */
  readonly answer: 'accept' | 'reject' | 'none'
  readonly answerAfter: number
}

/** One callback, at server time `at`, with the invitee's row of that device's view right then. */
export interface Report {
  readonly who: Who
  readonly at: number
  readonly callback: string
  readonly bob: InviteeView | undefined
}

export interface SkewRun {
  readonly im: MemoryIm
  readonly inviteID: string
  /** Server time at which the IM took the invite. */
  readonly t: number
  /** `t + timeout`. */
  readonly deadline: number
  readonly reports: readonly Report[]
  /** bob's answer: when he tried (server time) and how his promise settled. */
  readonly answered: { readonly at: number; readonly result: number | 'resolved' | 'not a SignalingError' } | undefined
  /** Connect times (server time) of each device, oldest first. */
  readonly connects: Readonly<Record<Who, readonly number[]>>
  /** The invitee's row on every device at `checkAt(who)`, recorded by a server-clock timer. */
  readonly checks: Readonly<Partial<Record<Who, { readonly at: number; readonly bob: InviteeView | undefined }>>>
  readonly signaling: Readonly<Record<Who, Signaling>>
  readonly transports: Readonly<Record<Who, MemoryTransport>>
  final(who: Who): InvitationView | undefined
  /** When `who`'s own deadline timer is due (server time): t + T, + 5 s, + 10 s by role. */
  due(who: Who): number
  /** The last connect of `who` at or before server time `s`: where its estimate was synced. */
  syncedAt(who: Who, s: number): number
}

const userOf = (who: Who): [string, string] => {
  const [user, device] = who.split('/') as [string, string | undefined]
  return [user, device ?? 'default']
}

/** The device named by a decision's user and device id. */
export const whoIs = (userID: string, deviceID: string): Who => (deviceID === 'default' ? userID : `${userID}/${deviceID}`) as Who

/** How early a device with drift `drift`, synced at `syncedAt`, fires a timer due at `due` (ms, ≥ 0). */
export const earlyBy = (drift: number, syncedAt: number, due: number): number => Math.max(0, ((due - syncedAt) * drift) / (1 + drift))

/** How late a device with drift `drift`, synced at `syncedAt`, fires a timer due at `due` (ms, ≥ 0). */
export const lateBy = (drift: number, syncedAt: number, due: number): number => Math.max(0, ((due - syncedAt) * -drift) / (1 + drift))

/** Rounding of the skewed clocks (floor of `now`, ceil of timer delays), in ms. */
export const ROUNDING_MS = 3

const graceOf: Record<Who, number> = { alice: 5 * SECOND, 'alice/tablet': 10 * SECOND, bob: 0, 'bob/watch': 0 }

/** Plays one case to its end (every deadline, the + 10 s expiry and the slowest delivery passed). */
export const playSkewCase = async (c: SkewCase): Promise<SkewRun> => {
  const im = new MemoryIm({ seed: c.seed, network: { latency: { min: 0, max: c.latencyMax } } })
  const reports: Report[] = []
  const connects = Object.fromEntries(WHO.map((who) => [who, [im.clock.now()]])) as Record<Who, number[]>
  const transports = {} as Record<Who, MemoryTransport>
  const signaling = {} as Record<Who, Signaling>
  let inviteID = ''
  let answered: SkewRun['answered']
  const checks: Partial<Record<Who, { at: number; bob: InviteeView | undefined }>> = {}
  const bobRow = (who: Who) => signaling[who].getInvitation(inviteID)?.invitees.find((invitee) => invitee.userID === 'bob')

  for (const who of WHO) {
    const [userID, deviceID] = userOf(who)
    transports[who] = im.connect(userID, { deviceID, clockSkew: c.skews[who] })
    signaling[who] = createSignaling({ transport: transports[who], ids: counterIds(`${who}:`) })
    const record =
      (callback: string) =>
      (id: string): void => {
        reports.push({ who, at: im.clock.now(), callback, bob: id === inviteID ? bobRow(who) : undefined })
      }
    recordEvery(signaling[who], record)
  }
  signaling.bob.addSignalingListener({
    onReceiveNewInvitation: (id) => {
      if (c.answer === 'none') return
      im.clock.setTimeout(() => {
        const at = im.clock.now()
        const command = c.answer === 'accept' ? signaling.bob.accept(id, 'yes') : signaling.bob.reject(id, 'busy')
        void outcome(command).then((result) => (answered = { at, result }))
      }, c.answerAfter)
    },
  })
  if (c.bobConnectsAfter !== null) transports.bob.disconnect()

  await im.clock.advance(c.leadMs)
  inviteID = await signaling.alice.invite('bob', 'call', { timeout: c.timeout })
  const t = signaling.alice.getInvitation(inviteID)!.serverTime
  const deadline = t + c.timeout * SECOND
  const bobConnectsAt = c.bobConnectsAfter === null ? undefined : t + c.bobConnectsAfter
  if (bobConnectsAt !== undefined) {
    im.clock.setTimeout(() => {
      connects.bob.push(im.clock.now())
      transports.bob.connect()
    }, c.bobConnectsAfter!)
  }

  const syncedAt = (who: Who, s: number): number => connects[who].filter((at) => at <= s).at(-1) ?? connects[who][0]!
  const due = (who: Who): number => deadline + graceOf[who]
  // Liveness: by its own deadline plus the lateness of its clock — or once it has the invite
  // (latest delivery) or is back online, if that is later — every device has decided bob.
  let end = deadline + 10 * SECOND + c.latencyMax
  for (const who of WHO) {
    const synced = who === 'bob' && bobConnectsAt !== undefined ? bobConnectsAt : connects[who][0]!
    const at = Math.max(due(who) + lateBy(c.skews[who].drift, synced, due(who)), t + c.latencyMax, bobConnectsAt ?? 0) + ROUNDING_MS
    end = Math.max(end, at)
    im.clock.setTimeout(() => (checks[who] = { at: im.clock.now(), bob: bobRow(who) }), at - im.clock.now())
  }
  await im.clock.advance(end + c.answerAfter + c.latencyMax + 5 * SECOND - im.clock.now())
  await im.settle()

  return {
    im,
    inviteID,
    t,
    deadline,
    reports,
    answered,
    connects,
    checks,
    signaling,
    transports,
    final: (who) => signaling[who].getInvitation(inviteID),
    due,
    syncedAt,
  }
}

/** A case with no skew anywhere, to build examples from. */
export const plainCase = (overrides: Partial<Omit<SkewCase, 'skews'>> & { readonly skews?: Partial<Record<Who, Skew>> }): SkewCase => {
  const none: Skew = { offsetMs: 0, drift: 0 }
  const { skews, ...rest } = overrides
  return {
    seed: 1,
    leadMs: 0,
    timeout: 30,
    latencyMax: 0,
    bobConnectsAfter: null,
    answer: 'none',
    answerAfter: 0,
    ...rest,
    skews: { alice: none, 'alice/tablet': none, bob: none, 'bob/watch': none, ...skews },
  }
}
