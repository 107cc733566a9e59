/**
 * Big groups on the embedded IM: one group invitation to every other member of an `n`-member
 * group, every invitee accepting on ring, each member on its own device and `createSignaling`.
 *
 * - Tencent's semantics (the default): it is complete when the inviter has been told of every
 *   answer and every invitee of every other answer ((n − 1)(n − 2) callbacks at the invitees).
 * - `audience: 'inviter'` (a beckon extension): answers go to the inviter (and the answerer's own
 *   devices) only; it is complete when the inviter has been told of every answer.
 *
 * The option is only timed where it is honoured: {@link audienceHonoured} runs a small group with
 * a member who is not invited, and the option counts as available only if that member hears no
 * answer while the inviter hears them all.
 *
 * @module
 */
import { createSignaling, type InviteOptions, type Signaling } from '@beckon/core'
import { MemoryIm } from '@beckon/adapter-memory'

export type Audience = 'all' | 'inviter'

const GROUP = 'hall'

/** Options for `inviteInGroup`; `audience` is passed as the extension spells it, whether or not this build knows it. */
const optionsFor = (audience: Audience): InviteOptions =>
  (audience === 'all' ? { timeout: 30 } : { timeout: 30, audience: 'inviter' }) as InviteOptions

interface Hall {
  readonly im: MemoryIm
  readonly host: Signaling
  readonly invitees: readonly string[]
  readonly counts: { inviterTold: number; answered: number; failed: number; heardByInvitees: number; heardByWatcher: number }
}

/** Members `host`, `m-1 … m-(n-1)`, and optionally one member who is never invited; the group made and settled. */
export const openHall = async (n: number, withWatcher = false): Promise<Hall> => {
  const im = new MemoryIm()
  const invitees = Array.from({ length: n - 1 }, (_, i) => `m-${i + 1}`)
  const counts = { inviterTold: 0, answered: 0, failed: 0, heardByInvitees: 0, heardByWatcher: 0 }
  const host = createSignaling({ transport: im.connect('host') })
  host.addSignalingListener({ onInviteeAccepted: () => void counts.inviterTold++ })
  for (const userID of invitees) {
    const device = createSignaling({ transport: im.connect(userID) })
    device.addSignalingListener({
      onReceiveNewInvitation: (inviteID, _inviter, _group, inviteeList) => {
        if (inviteeList.includes(userID)) device.accept(inviteID).then(() => void counts.answered++, () => void counts.failed++)
      },
      onInviteeAccepted: () => void counts.heardByInvitees++,
    })
  }
  const members = withWatcher ? [...invitees, 'watcher'] : invitees
  if (withWatcher) createSignaling({ transport: im.connect('watcher') }).addSignalingListener({ onInviteeAccepted: () => void counts.heardByWatcher++ })
  await im.settle()
  await im.connect('host').createGroup(GROUP, members)
  await im.settle()
  return { im, host, invitees, counts }
}

const complete = ({ invitees, counts }: Hall, audience: Audience): boolean => {
  const n = invitees.length
  const everyoneHeard = audience === 'inviter' || counts.heardByInvitees >= n * (n - 1)
  return counts.inviterTold >= n && counts.answered + counts.failed >= n && everyoneHeard
}

/** Invites every member, lets everything happen; milliseconds until complete (throws if it never completes). */
export const answerAll = async (hall: Hall, audience: Audience): Promise<number> => {
  const start = performance.now()
  await hall.host.inviteInGroup(GROUP, hall.invitees, '{"stage":1}', optionsFor(audience))
  for (let idle = 0; !complete(hall, audience); idle++) {
    if (idle > 100) throw new Error(`stalled: ${JSON.stringify(hall.counts)}`)
    await hall.im.settle()
  }
  const ms = performance.now() - start
  if (hall.counts.failed > 0) throw new Error(`${hall.counts.failed} accepts failed`)
  return ms
}

/** Whether `audience: 'inviter'` is honoured: the inviter hears every answer, an uninvited member none. */
export const audienceHonoured = async (): Promise<boolean> => {
  const hall = await openHall(4, true)
  try {
    await answerAll(hall, 'inviter')
  } catch {
    return false
  }
  await hall.im.settle()
  return hall.counts.inviterTold === 3 && hall.counts.heardByWatcher === 0 && hall.counts.heardByInvitees === 0
}
