/**
 * Many invitations in flight at once: `invitations` 1:1 invitations among `users` users (one
 * device each), each from a random user to another, all sent in the same tick. The plan (seeded,
 * the same every run) has each invitee accept as soon as it rings or leave the invitation to its
 * timeout; the plan travels in the invitation's `data`, so the invitee's app knows what to do.
 *
 * An invitation is lost if its invitee never rang, or its inviter never learned an outcome for it
 * (no accept, reject or timeout callback). Beyond that the run reports whether the outcomes are
 * the planned ones, whether inviter and invitee ended with the same view (a disagreement), how
 * the timeouts reached the inviter (the invitee's own timeout message, or the inviter's fallback
 * timer at `t + timeout + 5 s`), every call that failed with 6014 (Disconnected) while its device
 * was connected, and every error the transports reported.
 *
 * Used by `npm run bench` (1,000 invitations), `npm run load:xmpp` (any size, 10,000 by default)
 * and the bounded load test in `test/xmpp/load.test.ts` (2,000, in `npm test` with BECKON_XMPP=1).
 *
 * @module
 */
import { performance } from 'node:perf_hooks'
import type { XmppTransport, XmppTransportOptions } from '@beckon/adapter-im'
import { createSignaling, SignalingError, type Signaling } from '@beckon/core'
import { random } from './stats.js'
import { allConnected } from './server.js'

export interface ConcurrentOptions {
  readonly users: number
  readonly invitations: number
  readonly timeoutSeconds: number
  readonly seed: number
  /** The account of user `i` (default `user00`, `user01`, …: {@link userName}). */
  readonly account?: (i: number) => string
  /** Called about once a second while the run goes on. */
  readonly progress?: (p: Progress) => void
}

/** Where a run stands. */
export interface Progress {
  readonly elapsedMs: number
  readonly invited: number
  readonly rang: number
  readonly learned: number
  readonly complete: number
}

/** Something that makes devices: the bench's own Prosody, or the test server. */
export interface DeviceMaker {
  device(userID: string, deviceID?: string, options?: Partial<XmppTransportOptions>): XmppTransport
}

export interface ConcurrentResult {
  readonly options: ConcurrentOptions
  readonly plannedAccepts: number
  /** From the first invite() call until every invite() resolved, ms. */
  readonly sendAllMs: number
  /** invite() call → the invitee's ring, ms, per invitation that rang. */
  readonly ringMs: readonly number[]
  /** invite() call → the inviter's first outcome callback, for the accepted ones, ms. */
  readonly acceptMs: readonly number[]
  readonly failedInvites: number
  /** Why the first failed invite() failed: its code and message. */
  readonly firstFailedInvite: string | undefined
  readonly failedAccepts: number
  /** Why the first failed accept() failed, and the device's connection state then. */
  readonly firstFailedAccept: string | undefined
  /**
   * Failed invite() and accept() calls by cause: the call, the code and message (numbers left
   * out), and the device's connection state when the failure was seen; most frequent first.
   */
  readonly failureKinds: readonly (readonly [string, number])[]
  /** Calls that failed with 6014 (Disconnected) while their device reported `connected`. */
  readonly disconnectedWhileConnected: number
  /** Errors the transports reported through `onError` (library and protocol errors). */
  readonly transportErrors: number
  readonly firstTransportError: string | undefined
  /** The errors the transports reported, by kind (their message with numbers left out), most frequent first. */
  readonly transportErrorKinds: readonly (readonly [string, number])[]
  readonly neverRang: number
  readonly inviterNeverLearned: number
  readonly lost: number
  readonly notAsPlanned: number
  readonly disagree: number
  readonly timeoutsFromInvitee: number
  readonly timeoutsFromInviterTimer: number
  /** From the first invite() call until the last invitation was complete on both sides, ms. */
  readonly totalMs: number
}

export const userName = (i: number): string => `user${String(i).padStart(2, '0')}`

/**
 * A timeout long enough for every invitation to arrive before its deadline on a busy machine:
 * 20 s plus 2 s per 100 invitations. An invite that arrives after its deadline never rings (it is
 * a missed call), which a run would count as lost; the point is whether each one rings and ends,
 * not whether a shared 2-core machine delivers 10,000 within 30 s.
 */
export const defaultTimeoutSeconds = (invitations: number): number => 20 + 2 * Math.ceil(invitations / 100)

interface Plan {
  readonly n: number
  readonly from: number
  readonly to: number
  readonly accept: boolean
}

type InviteeView = NonNullable<ReturnType<Signaling['getInvitation']>>['invitees'][number]

interface Record {
  inviteID?: string
  began: number
  rang?: number
  learned?: number
  /**
   * Both sides' view of the invitee when the invitation had ended on both: the facade forgets an
   * ended invitation after its 10-minute retention, which a long run outlasts.
   */
  ended?: { readonly mine: InviteeView | undefined; readonly theirs: InviteeView | undefined }
}

const plan = (options: ConcurrentOptions): Plan[] => {
  const next = random(options.seed)
  return Array.from({ length: options.invitations }, (_, n) => {
    const from = Math.floor(next() * options.users)
    const to = (from + 1 + Math.floor(next() * (options.users - 1))) % options.users
    return { n, from, to, accept: next() < 0.5 }
  })
}

export const concurrentInvitations = async (server: DeviceMaker, options: ConcurrentOptions): Promise<ConcurrentResult> => {
  const account = options.account ?? userName
  const plans = plan(options)
  const records: Record[] = plans.map(() => ({ began: 0 }))
  const byInviteID = new Map<string, number>()
  /** Callbacks can precede invite()'s resolution: remember them by id. */
  const learnedAt = new Map<string, number>()
  let transportErrors = 0
  let firstTransportError: string | undefined
  const errorKinds = new Map<string, number>()
  const onError = (error: unknown): void => {
    transportErrors++
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
    firstTransportError ??= text
    const kind = text.replace(/\d+(\.\d+)?/g, 'N').slice(0, 160)
    errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1)
  }
  let disconnectedWhileConnected = 0
  const failureKinds = new Map<string, number>()
  const failed = (call: 'invite' | 'accept', error: unknown, transport: XmppTransport): void => {
    if (error instanceof SignalingError && error.code === 6014 && transport.connectionState === 'connected') disconnectedWhileConnected++
    const why = error instanceof SignalingError ? `${error.code}: ${error.message}` : String(error)
    const kind = `${call}() ${why.replace(/\d+(\.\d+)?/g, 'N').slice(0, 160)} (device ${transport.connectionState})`
    failureKinds.set(kind, (failureKinds.get(kind) ?? 0) + 1)
  }

  const transports = Array.from({ length: options.users }, (_, i) => server.device(account(i), 'bench', { onError }))
  let failedAccepts = 0
  let firstFailedAccept: string | undefined
  const signalings: Signaling[] = transports.map((transport) => {
    const signaling = createSignaling({ transport })
    const learned = (inviteID: string): void => void (learnedAt.has(inviteID) || learnedAt.set(inviteID, performance.now()))
    signaling.addSignalingListener({
      onReceiveNewInvitation: (inviteID, _inviter, _group, _list, data) => {
        const p = plans[Number(data)]!
        records[p.n]!.rang = performance.now()
        if (p.accept)
          signaling.accept(inviteID).catch((error: unknown) => {
            failedAccepts++
            firstFailedAccept ??= `${error instanceof SignalingError ? `${error.code}: ${error.message}` : String(error)} (device ${transport.connectionState})`
            failed('accept', error, transport)
          })
      },
      onInviteeAccepted: learned,
      onInviteeRejected: learned,
      onInvitationTimeout: learned,
    })
    return signaling
  })

  const complete = (p: Plan): boolean => {
    const record = records[p.n]!
    if (record.ended !== undefined) return true
    const id = record.inviteID
    if (id === undefined) return false
    const mine = signalings[p.from]!.getInvitation(id)
    const theirs = signalings[p.to]!.getInvitation(id)
    if (mine?.active !== false || theirs?.active !== false) return false
    record.ended = { mine: mine.invitees[0], theirs: theirs.invitees[0] }
    return true
  }

  try {
    await allConnected(transports, 120_000)
    const began = performance.now()
    let failedInvites = 0
    let firstFailedInvite: string | undefined
    let invited = 0
    const reporter =
      options.progress === undefined
        ? undefined
        : setInterval(() => {
            options.progress?.({
              elapsedMs: performance.now() - began,
              invited,
              rang: records.filter((r) => r.rang !== undefined).length,
              learned: learnedAt.size,
              complete: plans.filter(complete).length,
            })
          }, 1_000)
    try {
      await Promise.all(
        plans.map(async (p) => {
          const record = records[p.n]!
          record.began = performance.now()
          try {
            record.inviteID = await signalings[p.from]!.invite(account(p.to), String(p.n), { timeout: options.timeoutSeconds })
            byInviteID.set(record.inviteID, p.n)
            invited++
          } catch (error) {
            failedInvites++
            firstFailedInvite ??= error instanceof SignalingError ? `${error.code}: ${error.message}` : String(error)
            failed('invite', error, transports[p.from]!)
          }
        }),
      )
      const sendAllMs = performance.now() - began

      // Wait until every invitation is complete on both sides, or the inviters' own timers are long past.
      const giveUp = performance.now() + (options.timeoutSeconds + 5 + 30) * 1000
      while (!plans.every(complete) && performance.now() < giveUp) await new Promise((resolve) => setTimeout(resolve, 100))
      const totalMs = performance.now() - began
      await new Promise((resolve) => setTimeout(resolve, 500)) // let the last duplicates land
      return { ...tally(plans, records, signalings, byInviteID, learnedAt), options, sendAllMs, totalMs, failedInvites, firstFailedInvite, failedAccepts, firstFailedAccept, disconnectedWhileConnected, transportErrors, firstTransportError, transportErrorKinds: [...errorKinds].sort((a, b) => b[1] - a[1]), failureKinds: [...failureKinds].sort((a, b) => b[1] - a[1]) }
    } finally {
      if (reporter !== undefined) clearInterval(reporter)
    }
  } finally {
    for (const signaling of signalings) signaling.close()
    await Promise.all(transports.map((t) => t.disconnect()))
  }
}

type Tally = Pick<
  ConcurrentResult,
  'plannedAccepts' | 'ringMs' | 'acceptMs' | 'neverRang' | 'inviterNeverLearned' | 'lost' | 'notAsPlanned' | 'disagree' | 'timeoutsFromInvitee' | 'timeoutsFromInviterTimer'
>

const tally = (plans: readonly Plan[], records: Record[], signalings: readonly Signaling[], byInviteID: Map<string, number>, learnedAt: Map<string, number>): Tally => {
  for (const [inviteID, at] of learnedAt) {
    const n = byInviteID.get(inviteID)
    if (n !== undefined) records[n]!.learned = at
  }
  const t = { neverRang: 0, inviterNeverLearned: 0, lost: 0, notAsPlanned: 0, disagree: 0, timeoutsFromInvitee: 0, timeoutsFromInviterTimer: 0 }
  for (const p of plans) {
    const record = records[p.n]!
    const rang = record.rang !== undefined
    const learned = record.learned !== undefined
    if (!rang) t.neverRang++
    if (!learned) t.inviterNeverLearned++
    if (!rang || !learned) t.lost++
    const id = record.inviteID
    // As they are now (a late duplicate must not change them), or as they ended if since forgotten.
    const mine = (id === undefined ? undefined : signalings[p.from]!.getInvitation(id)?.invitees[0]) ?? record.ended?.mine
    const theirs = (id === undefined ? undefined : signalings[p.to]!.getInvitation(id)?.invitees[0]) ?? record.ended?.theirs
    if (mine?.state !== (p.accept ? 'accepted' : 'timedOut')) t.notAsPlanned++
    if (mine === undefined || theirs === undefined || mine.state !== theirs.state || mine.deviceID !== theirs.deviceID || mine.data !== theirs.data) t.disagree++
    if (mine?.decidedBy === 'invitee.timedOut') t.timeoutsFromInvitee++
    if (mine?.decidedBy === 'inviter.timedOut') t.timeoutsFromInviterTimer++
  }
  const ringMs = records.flatMap((r) => (r.rang === undefined ? [] : [r.rang - r.began]))
  const acceptMs = plans.flatMap((p) => {
    const r = records[p.n]!
    return p.accept && r.learned !== undefined ? [r.learned - r.began] : []
  })
  return { ...t, plannedAccepts: plans.filter((p) => p.accept).length, ringMs, acceptMs }
}
