/**
 * The 1:1 video call of the seed scenario, as an app would build it on beckon.
 *
 * - The caller puts the media room's id in the invite's `data` (Tencent's call-kit shape).
 * - The callee rings and accepts or rejects; if it is already in a call it rejects at once, as
 *   busy, with the reason in `data` (`line_busy`).
 * - When one party leaves the media room, the party that stays ends the call: it sends a new
 *   invite with `timeout: 0` whose `data` carries `call_end` (the duration in seconds). That
 *   invite is a notice: the receiving app shows it instead of ringing. Like Tencent's call kits
 *   (TUICallEngine's `cmd: "hangup"`), nobody cancels or answers it: it stays open, and beckon
 *   retires the oldest such open-ended invitations when they would crowd its limits, so they never
 *   block a later call. An app that was offline learns of the end when the stored notice arrives.
 */
import type { Clock, Signaling } from '@beckon/core'
import { Reached } from './reached.js'
import type { Timeline } from './timeline.js'

/** What a call kit puts in `data`. */
export interface CallData {
  readonly version: 4
  readonly businessID: 'av_call'
  readonly call_type: 1 | 2
  readonly room_id: number
  readonly line_busy?: 'line_busy'
  readonly call_end?: number
}

const callData = (roomID: number, extra: Partial<CallData> = {}): string =>
  JSON.stringify({ version: 4, businessID: 'av_call', call_type: 2, room_id: roomID, ...extra })

const parseCallData = (data: string): Partial<CallData> => {
  try {
    const value = JSON.parse(data) as unknown
    return typeof value === 'object' && value !== null ? (value as Partial<CallData>) : {}
  } catch {
    return {}
  }
}

/** The media side (a stand-in for an RTC room): it only tells who left. */
export class MediaRooms {
  readonly #rooms = new Map<number, Set<CallApp>>()
  join(roomID: number, app: CallApp): void {
    const room = this.#rooms.get(roomID) ?? new Set()
    room.add(app)
    this.#rooms.set(roomID, room)
  }
  leave(roomID: number, app: CallApp): void {
    const room = this.#rooms.get(roomID)
    room?.delete(app)
    for (const stays of room ?? []) stays.peerLeft(roomID)
  }
}

/** Where a call app is: no call, dialled, ringing, or in a call. */
export type Status = 'idle' | 'calling' | 'ringing' | 'inCall'

interface Call {
  readonly inviteID: string
  readonly peer: string
  readonly roomID: number
  since?: number
}

/** One device's call app. */
export class CallApp {
  status: Status = 'idle'
  call: Call | undefined
  /** Notices shown to the user, e.g. "call with bob ended after 2 s". */
  readonly notices: string[] = []
  readonly #reached: Reached

  constructor(
    readonly who: string,
    readonly signaling: Signaling,
    private readonly clock: Clock,
    private readonly rooms: MediaRooms,
    private readonly timeline: Timeline,
  ) {
    this.#reached = new Reached(who, clock)
    signaling.addSignalingListener({
      onReceiveNewInvitation: (inviteID, inviter, _groupID, _invitees, data) => this.#incoming(inviteID, inviter, data),
      onInviteeAccepted: (inviteID) => this.#connected(inviteID),
      onInviteeRejected: (inviteID, invitee, data) => this.#ended(inviteID, parseCallData(data).line_busy ? `${invitee} is busy` : `${invitee} declined`),
      onInvitationCancelled: (inviteID, inviter, data) => this.#cancelled(inviteID, inviter, data),
      onInvitationTimeout: (inviteID) => this.#ended(inviteID, 'no answer'),
    })
  }

  /** Calls `peer` into media room `roomID`. */
  async dial(peer: string, roomID: number, timeoutSeconds: number): Promise<string> {
    this.timeline.act(this.who, `dial ${peer} (room ${roomID}, timeout ${timeoutSeconds} s)`)
    const inviteID = await this.signaling.invite(peer, callData(roomID), { timeout: timeoutSeconds })
    this.call = { inviteID, peer, roomID }
    this.#become('calling')
    return inviteID
  }

  /** Resolves once this app is in `status`; rejects if it is not within `withinMs`. */
  reached(status: Status, withinMs: number): Promise<void> {
    return this.#reached.until(() => this.status === status, status, withinMs)
  }

  async answer(): Promise<void> {
    const call = this.#expect('ringing')
    this.timeline.act(this.who, `answer ${call.peer}`)
    await this.signaling.accept(call.inviteID, callData(call.roomID))
    this.#enter(call)
  }

  async decline(): Promise<void> {
    const call = this.#expect('ringing')
    this.timeline.act(this.who, `decline ${call.peer}`)
    await this.signaling.reject(call.inviteID, callData(call.roomID))
    this.#reset()
  }

  async hangUp(): Promise<void> {
    const call = this.call
    if (call === undefined) return
    if (this.status === 'calling') {
      this.timeline.act(this.who, `hang up before ${call.peer} answered`)
      await this.signaling.cancel(call.inviteID, callData(call.roomID))
      return this.#reset()
    }
    this.timeline.act(this.who, `hang up (leave room ${call.roomID})`)
    this.#reset()
    this.rooms.leave(call.roomID, this)
  }

  /** The media room says the peer left: the party that stays ends the call for both. */
  peerLeft(roomID: number): void {
    const call = this.call
    if (call === undefined || call.roomID !== roomID) return
    const seconds = Math.round((this.clock.now() - (call.since ?? this.clock.now())) / 1000)
    this.#reset()
    this.rooms.leave(roomID, this)
    const data = callData(roomID, { call_end: seconds })
    this.timeline.act(this.who, `${call.peer} left: send end-of-call notice (${seconds} s)`)
    // Never cancelled: the notice stays open, as call kits leave theirs (see the module comment).
    void this.signaling.invite(call.peer, data, { timeout: 0 }).catch(() => this.timeline.act(this.who, 'could not send the end-of-call notice'))
  }

  #incoming(inviteID: string, inviter: string, data: string): void {
    const parsed = parseCallData(data)
    if (parsed.call_end !== undefined) return this.#notice(inviter, parsed.call_end)
    const roomID = parsed.room_id ?? 0
    if (this.status !== 'idle') {
      this.timeline.act(this.who, `busy: reject ${inviter} with line_busy`)
      void this.signaling.reject(inviteID, callData(roomID, { line_busy: 'line_busy' }))
      return
    }
    this.call = { inviteID, peer: inviter, roomID }
    this.#become('ringing')
    this.timeline.act(this.who, `rings: ${inviter} is calling`)
  }

  #notice(peer: string, seconds: number): void {
    const text = `call with ${peer} ended after ${seconds} s`
    if (this.notices.includes(text)) return
    this.notices.push(text)
    this.timeline.act(this.who, `shows “${text}” (no ring)`)
  }

  #cancelled(inviteID: string, inviter: string, data: string): void {
    // Another app's call kit may still cancel its notice after sending it.
    const parsed = parseCallData(data)
    if (parsed.call_end !== undefined) return this.#notice(inviter, parsed.call_end)
    if (this.call?.inviteID === inviteID) this.#ended(inviteID, `missed call from ${inviter}`)
  }

  #connected(inviteID: string): void {
    if (this.call?.inviteID !== inviteID || this.status !== 'calling') return
    this.#enter(this.call)
  }

  #enter(call: Call): void {
    call.since = this.clock.now()
    this.rooms.join(call.roomID, this)
    this.timeline.act(this.who, `in call with ${call.peer} (room ${call.roomID})`)
    this.#become('inCall')
  }

  #ended(inviteID: string, why: string): void {
    if (this.call?.inviteID !== inviteID) return
    this.timeline.act(this.who, `call over: ${why}`)
    this.#reset()
  }

  #expect(status: Status): Call {
    if (this.status !== status || this.call === undefined) throw new Error(`${this.who} is ${this.status}, not ${status}`)
    return this.call
  }

  #reset(): void {
    this.call = undefined
    this.#become('idle')
  }

  #become(status: Status): void {
    this.status = status
    this.#reached.changed()
  }
}
