/**
 * Effects per 1:1 lifecycle at each device (invite → ring → accept → inviter told → tombstone
 * gone), counted by type. Every effect is work for the shell (a timer call, a listener call, a
 * send), so one that changes nothing — clearing a timer that was never armed — is a cost. The
 * hand-written 1:1 reducer emits only what a shell needs, which is what "needed" means here.
 *
 * @module
 */
import { oneToOneContenderNames, oneToOneContenders, type OneToOneContenderName } from './contenders.js'
import { alice, bob, inviteeLifecycle, inviterLifecycle } from './flows.js'
import type { Side } from './timing.js'

export interface EffectCount {
  readonly total: number
  readonly byType: Readonly<Record<string, number>>
}

export type EffectCounts = Record<Side, Record<OneToOneContenderName, EffectCount>>

const sides = { inviter: [inviterLifecycle, alice], invitee: [inviteeLifecycle, bob] } as const

/** The second lifecycle's effects (the first one's state is then warm: nothing is created lazily). */
const countOne = (name: OneToOneContenderName, side: Side): EffectCount => {
  const [build, who] = sides[side]
  const run = oneToOneContenders[name](who)
  for (const input of build(0)) run.step(input)
  const byType: Record<string, number> = {}
  let total = 0
  for (const input of build(1)) {
    for (const effect of run.effects(input)) {
      byType[effect.type] = (byType[effect.type] ?? 0) + 1
      total++
    }
  }
  if (run.held() !== 0) throw new Error(`${name}: the ${side}'s lifecycle left its tombstone`)
  return { total, byType }
}

/** What the app and the IM see must be the same from both: one send, one settle, one notification. */
const outwardTypes = ['send', 'settle', 'notify'] as const

export const countEffects = (): EffectCounts => {
  const counts = (side: Side) => {
    const bySide = Object.fromEntries(oneToOneContenderNames.map((name) => [name, countOne(name, side)])) as Record<OneToOneContenderName, EffectCount>
    for (const type of outwardTypes) {
      if (bySide.engine.byType[type] !== bySide.reducer.byType[type]) throw new Error(`the 1:1 reducer and the engine disagree on ${type} effects (${side})`)
    }
    return bySide
  }
  return { inviter: counts('inviter'), invitee: counts('invitee') }
}
