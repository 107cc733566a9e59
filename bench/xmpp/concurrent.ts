/**
 * Many invitations in flight at once: `invitations` 1:1 invitations among `users` users (one
 * device each), each from a random user to another, all sent in the same tick. The plan (seeded,
 * the same every run) has each invitee accept as soon as it rings or leave the invitation to its
 * timeout; the plan travels in the invitation's `data`, so the invitee's app knows what to do.
 *
 * An invitation is lost if its invitee never rang, or its inviter never learned an outcome for it
 * (no accept, reject or timeout callback). Beyond that the run reports whether the outcomes are
 * the planned ones, whether inviter and invitee ended with the same view, and how the timeouts
 * reached the inviter (the invitee's own timeout message, or the inviter's fallback timer at
 * `t + timeout + 5 s`).
 *
 * @module
 */
import { performance } from 'node:perf_hooks'
import { createSignaling, type Signaling } from '@beckon/core'
import { random } from './stats.js'
import { allConnected, type BenchServer } from './server.js'

export interface ConcurrentOptions {
  readonly users: number
  readonly invitations: number
  readonly timeoutSeconds: number
  readonly seed: number
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

interface Plan {
  readonly n: number
  readonly from: number
  readonly to: number
  readonly accept: boolean
}

interface Progress {
  inviteID?: string
  began: number
  rang?: number
  learned?: number
}

export const concurrentInvitations = async (server: BenchServer, options: ConcurrentOptions): Promise<ConcurrentResult> => {
  const next = random(options.seed)
  const plans: Plan[] = Array.from({ length: options.invitations }, (_, n) => {
    const from = Math.floor(next() * options.users)
    const to = (from + 1 + Math.floor(next() * (options.users - 1))) % options.users
    return { n, from, to, accept: next() < 0.5 }
  })
  const records: Progress[] = plans.map(() => ({ began: 0 }))
  const byInviteID = new Map<string, number>()
  /** Callbacks can precede invite()'s resolution (see test/xmpp/findings.test.ts): remember them by id. */
  const learnedAt = new Map<string, number>()

  const transports = Array.from({ length: options.users }, (_, i) => server.device(userName(i), 'bench'))
  const signalings: Signaling[] = transports.map((transport) => {
    const signaling = createSignaling({ transport })
    const learned = (inviteID: string): void => void (learnedAt.has(inviteID) || learnedAt.set(inviteID, performance.now()))
    signaling.addSignalingListener({
      onReceiveNewInvitation: (inviteID, _inviter, _group, _list, data) => {
        const plan = plans[Number(data)]!
        records[plan.n]!.rang = performance.now()
        if (plan.accept) signaling.accept(inviteID).catch(() => undefined)
      },
      onInviteeAccepted: learned,
      onInviteeRejected: learned,
      onInvitationTimeout: learned,
    })
    return signaling
  })

  try {
    await allConnected(transports)
    const began = performance.now()
    let failedInvites = 0
    await Promise.all(
      plans.map(async (plan) => {
        const record = records[plan.n]!
        record.began = performance.now()
        try {
          record.inviteID = await signalings[plan.from]!.invite(userName(plan.to), String(plan.n), { timeout: options.timeoutSeconds })
          byInviteID.set(record.inviteID, plan.n)
        } catch {
          failedInvites++
        }
      }),
    )
    const sendAllMs = performance.now() - began

    // Wait until every invitation is complete on both sides, or the inviters' own timers are long past.
    const complete = (plan: Plan): boolean => {
      const id = records[plan.n]!.inviteID
      return id !== undefined && signalings[plan.from]!.getInvitation(id)?.active === false && signalings[plan.to]!.getInvitation(id)?.active === false
    }
    const giveUp = began + (options.timeoutSeconds + 5 + 10) * 1000
    while (!plans.every(complete) && performance.now() < giveUp) await new Promise((resolve) => setTimeout(resolve, 50))
    const totalMs = performance.now() - began
    await new Promise((resolve) => setTimeout(resolve, 200)) // let the last duplicates land

    for (const [inviteID, at] of learnedAt) {
      const n = byInviteID.get(inviteID)
      if (n !== undefined) records[n]!.learned = at
    }
    let neverRang = 0
    let inviterNeverLearned = 0
    let lost = 0
    let notAsPlanned = 0
    let disagree = 0
    let timeoutsFromInvitee = 0
    let timeoutsFromInviterTimer = 0
    for (const plan of plans) {
      const record = records[plan.n]!
      const rang = record.rang !== undefined
      const learned = record.learned !== undefined
      if (!rang) neverRang++
      if (!learned) inviterNeverLearned++
      if (!rang || !learned) lost++
      const id = record.inviteID
      const mine = id === undefined ? undefined : signalings[plan.from]!.getInvitation(id)?.invitees[0]
      const theirs = id === undefined ? undefined : signalings[plan.to]!.getInvitation(id)?.invitees[0]
      if (mine?.state !== (plan.accept ? 'accepted' : 'timedOut')) notAsPlanned++
      if (mine === undefined || theirs === undefined || mine.state !== theirs.state || mine.deviceID !== theirs.deviceID || mine.data !== theirs.data) disagree++
      if (mine?.decidedBy === 'invitee.timedOut') timeoutsFromInvitee++
      if (mine?.decidedBy === 'inviter.timedOut') timeoutsFromInviterTimer++
    }
    const ringMs = records.flatMap((r) => (r.rang === undefined ? [] : [r.rang - r.began]))
    const acceptMs = plans.flatMap((p) => {
      const r = records[p.n]!
      return p.accept && r.learned !== undefined ? [r.learned - r.began] : []
    })
    return {
      options,
      plannedAccepts: plans.filter((p) => p.accept).length,
      sendAllMs,
      ringMs,
      acceptMs,
      failedInvites,
      neverRang,
      inviterNeverLearned,
      lost,
      notAsPlanned,
      disagree,
      timeoutsFromInvitee,
      timeoutsFromInviterTimer,
      totalMs,
    }
  } finally {
    for (const signaling of signalings) signaling.close()
    await Promise.all(transports.map((t) => t.disconnect()))
  }
}
