/**
 * A readable timeline of who did what and who was told what, for the examples and the demo.
 * Each device's signaling is watched: every listener callback becomes a line, and the scenario
 * scripts log their own actions through `act`.
 */
import type { Clock, Signaling } from '@beckon/core'

export interface Entry {
  /** Milliseconds since the timeline started. */
  readonly at: number
  readonly who: string
  readonly kind: 'act' | 'told' | 'note'
  readonly text: string
}

/** `{"room_id":42}` reads better as `room_id=42`; anything else is shown as it is. */
export const showData = (data: string): string => {
  if (data === '') return '—'
  try {
    const value = JSON.parse(data) as unknown
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return JSON.stringify(value)
    return Object.entries(value)
      .filter(([key]) => !['version', 'businessID', 'platform', 'data'].includes(key))
      .map(([key, v]) => `${key}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ')
  } catch {
    return JSON.stringify(data)
  }
}

const short = (inviteID: string) => inviteID.slice(0, 4)

export class Timeline {
  readonly entries: Entry[] = []
  readonly #clock: Clock
  readonly #print: ((line: string) => void) | undefined
  readonly #start: number

  constructor(clock: Clock, print?: (line: string) => void) {
    this.#clock = clock
    this.#print = print
    this.#start = clock.now()
  }

  /** Something a person or an app did. */
  act(who: string, text: string): void {
    this.#add(who, 'act', text)
  }

  /** Something the scenario wants to point out. */
  note(text: string): void {
    this.#add('', 'note', text)
  }

  /** Logs every callback `signaling` makes, as `who` was told it. */
  watch(who: string, signaling: Signaling): void {
    const told = (text: string) => this.#add(who, 'told', text)
    signaling.addSignalingListener({
      onReceiveNewInvitation: (id, inviter, groupID, list, data) =>
        told(`onReceiveNewInvitation #${short(id)} from ${inviter}${groupID === '' ? '' : ` in ${groupID}`} to [${list.join(', ')}]: ${showData(data)}`),
      onInviteeAccepted: (id, invitee, data) => told(`onInviteeAccepted #${short(id)} ${invitee}: ${showData(data)}`),
      onInviteeRejected: (id, invitee, data) => told(`onInviteeRejected #${short(id)} ${invitee}: ${showData(data)}`),
      onInvitationCancelled: (id, inviter, data, list) => told(`onInvitationCancelled #${short(id)} by ${inviter} for [${list.join(', ')}]: ${showData(data)}`),
      onInvitationTimeout: (id, list) => told(`onInvitationTimeout #${short(id)} [${list.join(', ')}]`),
      onInvitationModified: (id, data) => told(`onInvitationModified #${short(id)}: ${showData(data)}`),
    })
  }

  /** The lines of one device, without times (handy in tests). */
  linesOf(who: string): string[] {
    return this.entries.filter((e) => e.who === who).map((e) => `${e.kind === 'act' ? '▶' : '◀'} ${e.text}`)
  }

  #add(who: string, kind: Entry['kind'], text: string): void {
    const entry: Entry = { at: this.#clock.now() - this.#start, who, kind, text }
    this.entries.push(entry)
    this.#print?.(format(entry))
  }
}

export const format = (entry: Entry): string => {
  const time = `+${(entry.at / 1000).toFixed(3)}s`.padStart(9)
  if (entry.kind === 'note') return `${time}   ── ${entry.text}`
  return `${time}  ${entry.who.padEnd(14)} ${entry.kind === 'act' ? '▶' : '◀'} ${entry.text}`
}

export { short as shortID }
