/**
 * The floor under the facade's 1:1 lifecycles: a device with none of the library's logic, driven
 * by the same bench over the same direct IM, so what a lifecycle through `createSignaling` costs
 * above it is what the library itself adds.
 *
 * It does only what the messages of a lifecycle need: ids from the library's default source (an
 * invite id and one action id per message, as the library's commands take), each envelope
 * written and read by the library's codec (Tencent's wire format, and what rejects anything
 * else), `send` on the transport and a promise per call settled when the IM took the message, a
 * table of the invitations it rang and one of those it sent, and the two listener calls. No
 * argument checks, deadlines, timers, tombstones, duplicate or ordering checks, server time,
 * snapshots or diagnostics: each of those is work the library does and the floor leaves out, so
 * the floor is a lower bound for any device that speaks this wire over these ports, not a
 * design to copy.
 *
 * @module
 */
import { ActionType, decodeEnvelope, encodeEnvelope, randomIdSource, type Envelope, type ImTransport, type IncomingMessage } from '@beckon/core'

/** The two calls of `SignalingListener` a lifecycle makes, with the arguments the bench reads. */
export interface FloorListener {
  readonly onReceiveNewInvitation?: (inviteID: string) => void
  readonly onInviteeAccepted?: (inviteID: string) => void
}

/** The timeout the library gives an invite by default (s): the envelope carries it either way. */
const TIMEOUT_SECONDS = 30

/** One user's device, with the part of `Signaling`'s surface the facade bench calls. */
export class FloorDevice {
  readonly userID: string
  readonly #transport: ImTransport
  readonly #ids = randomIdSource()
  /** Invitations rung here and not answered yet: invite id → inviter. */
  readonly #rung = new Map<string, string>()
  /** Invitations sent from here and not answered yet, by invite id. */
  readonly #sent = new Set<string>()
  #listener: FloorListener = {}

  constructor(transport: ImTransport) {
    this.userID = transport.userID
    this.#transport = transport
    transport.onMessage((message) => this.#receive(message))
  }

  addSignalingListener(listener: FloorListener): void {
    this.#listener = listener
  }

  invite(invitee: string, data: string): Promise<string> {
    const inviteID = this.#ids()
    this.#sent.add(inviteID)
    return this.#send(invitee, inviteID, this.userID, invitee, data, ActionType.invite).then(() => inviteID)
  }

  accept(inviteID: string): Promise<void> {
    const inviter = this.#rung.get(inviteID)
    if (inviter === undefined) return Promise.reject(new Error(`floor: ${inviteID} was not rung here`))
    this.#rung.delete(inviteID)
    return this.#send(inviter, inviteID, inviter, this.userID, '', ActionType.accept).then(() => undefined)
  }

  #send(to: string, inviteID: string, inviter: string, invitee: string, data: string, actionType: ActionType): Promise<unknown> {
    const envelope: Envelope = {
      businessID: 1,
      inviteID,
      groupID: '',
      inviter,
      inviteeList: [invitee],
      data,
      timeout: TIMEOUT_SECONDS,
      actionType,
      onlineUserOnly: false,
      beckon: { actionID: this.#ids() },
    }
    return this.#transport.send({ kind: 'user', userID: to }, encodeEnvelope(envelope), { onlineUserOnly: false })
  }

  #receive(message: IncomingMessage): void {
    const decoded = decodeEnvelope(message.payload)
    // The bench's own messages only: one the codec refuses is a fault of the floor, not traffic.
    if (decoded._tag === 'Left') throw new Error(`floor: undecodable message (${decoded.left._tag}: ${decoded.left.detail})`)
    const { inviteID, inviter, actionType } = decoded.right
    if (actionType === ActionType.invite && decoded.right.inviteeList[0] === this.userID) {
      this.#rung.set(inviteID, inviter)
      this.#listener.onReceiveNewInvitation?.(inviteID)
    } else if (actionType === ActionType.accept && this.#sent.delete(inviteID)) {
      this.#listener.onInviteeAccepted?.(inviteID)
    }
  }
}
