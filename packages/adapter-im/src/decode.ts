/**
 * Reading incoming stanzas. Everything here is defensive: a stanza comes from the network, so a
 * missing attribute, a wrong namespace or a forged wrapper yields `undefined`, never an exception.
 *
 * @module
 */
import type { Element } from '@xmpp/client'
import { parseAddress, type Address } from './jid.js'
import { NS_CARBONS, NS_CONFERENCE, NS_CORRECT, NS_DELAY, NS_FORWARD, NS_HINTS, NS_MUC_USER, NS_SID, NS_SIGNAL } from './namespaces.js'
import { parseStamp, type Stamp } from './serverTime.js'

/** A beckon signaling message, as found in a live, carbon or archived `<message/>`. */
export interface SignalStanza {
  /** origin-id, else the stanza's id attribute: the id the sender chose and sees in its receipt. */
  readonly id: string
  readonly payload: string
  /** The sender's estimate of the server clock when it sent (`<signal at=…>`). */
  readonly claimedAt: number | undefined
  /** The id of the message this one corrects (XEP-0308). */
  readonly replaces: string | undefined
  readonly type: string
  readonly from: Address
  readonly to: Address | undefined
  /** A delay stamp the server added (XEP-0203), e.g. on a message from offline storage. */
  readonly delay: Stamp | undefined
  /** Marked not to be stored (an online-only message). */
  readonly noStore: boolean
  /**
   * Every `<item/>` of every muc#user `<x/>` the message carries, in document order. A client can
   * write these; only a room's archive adds one of its own (see `rooms.ts` for who is believed).
   */
  readonly mucItems: readonly MucItem[]
}

/** One muc#user `<item/>` found in a message: a real JID (if any) and an affiliation. */
export interface MucItem {
  readonly jid: Address | undefined
  /** Absent when the item states none (ejabberd's archive records only the sender's JID). */
  readonly affiliation: string | undefined
}

const nonEmpty = (value: string | null | undefined): string | undefined => (value === null || value === undefined || value === '' ? undefined : value)

const claimedTime = (value: string | undefined): number | undefined => {
  if (value === undefined || !/^\d{1,16}$/.test(value)) return undefined
  return Number(value)
}

/** The delay stamp on a message or on its `<forwarded/>` wrapper. */
export const delayOf = (element: Element): Stamp | undefined => parseStamp(element.getChild('delay', NS_DELAY)?.attrs['stamp'])

/** Read a `<message/>` carrying a `<signal/>`; `undefined` for anything else. */
export const readSignal = (message: Element): SignalStanza | undefined => {
  if (!message.is('message')) return undefined
  const signal = message.getChild('signal', NS_SIGNAL)
  const from = parseAddress(message.attrs['from'])
  if (signal === undefined || from === undefined) return undefined
  const id = nonEmpty(message.getChild('origin-id', NS_SID)?.attrs['id']) ?? nonEmpty(message.attrs['id'])
  if (id === undefined) return undefined
  return {
    id,
    payload: signal.text(),
    claimedAt: claimedTime(signal.attrs['at']),
    replaces: nonEmpty(message.getChild('replace', NS_CORRECT)?.attrs['id']),
    type: message.attrs['type'] ?? 'normal',
    from,
    to: parseAddress(message.attrs['to']),
    delay: delayOf(message),
    noStore: message.getChild('no-store', NS_HINTS) !== undefined,
    mucItems: readMucItems(message),
  }
}

const readMucItems = (message: Element): MucItem[] =>
  message
    .getChildren('x', NS_MUC_USER)
    .flatMap((x) => x.getChildren('item'))
    .map((item) => ({ jid: parseAddress(item.attrs['jid']), affiliation: item.attrs['affiliation'] }))

/** A XEP-0280 carbon: what one of my devices sent, or a copy of what reached another. */
export interface Carbon {
  readonly direction: 'sent' | 'received'
  readonly message: Element
  readonly delay: Stamp | undefined
}

/**
 * Unwrap a carbon. Only a carbon from my own account (the server, as my bare JID, or one of my
 * devices forwarding an online-only copy) is one: anyone else could forge the wrapper.
 */
export const readCarbon = (outer: Element, me: Address): Carbon | undefined => {
  const from = parseAddress(outer.attrs['from'])
  if (from === undefined || from.bare !== me.bare) return undefined
  for (const direction of ['sent', 'received'] as const) {
    const forwarded = outer.getChild(direction, NS_CARBONS)?.getChild('forwarded', NS_FORWARD)
    const message = forwarded?.getChild('message')
    if (forwarded !== undefined && message !== undefined) return { direction, message, delay: delayOf(forwarded) ?? delayOf(outer) }
  }
  return undefined
}

/** A XEP-0249 direct invitation: the room, who invited, and the members the inviter listed. */
export interface Invitation {
  readonly room: string
  readonly inviter: string
  readonly members: readonly string[] | undefined
}

export const readInvitation = (message: Element): Invitation | undefined => {
  const room = parseAddress(message.getChild('x', NS_CONFERENCE)?.attrs['jid'])
  const inviter = parseAddress(message.attrs['from'])
  if (room === undefined || room.resource !== '' || room.local === '' || inviter === undefined) return undefined
  const listed = message.getChild('members', NS_SIGNAL)?.getChildren('member')
  const members = listed?.flatMap((member) => parseAddress(member.attrs['jid'])?.bare ?? [])
  return { room: room.bare, inviter: inviter.bare, members }
}

/** The `<x xmlns='…muc#user'/>` of a presence or message: items, status codes and destruction. */
export interface MucUserInfo {
  readonly affiliation: string | undefined
  readonly role: string | undefined
  readonly jid: Address | undefined
  readonly statuses: ReadonlySet<string>
  readonly destroyed: boolean
}

export const readMucUser = (stanza: Element): MucUserInfo | undefined => {
  const x = stanza.getChild('x', NS_MUC_USER)
  if (x === undefined) return undefined
  const item = x.getChild('item')
  const statuses = new Set(x.getChildren('status').flatMap((s) => (s.attrs['code'] === undefined ? [] : [s.attrs['code']])))
  return {
    affiliation: item?.attrs['affiliation'],
    role: item?.attrs['role'],
    jid: parseAddress(item?.attrs['jid']),
    statuses,
    destroyed: x.getChild('destroy') !== undefined,
  }
}

/** The defined condition of an error stanza (`item-not-found`, `forbidden`, …). */
export const errorCondition = (stanza: Element): string | undefined =>
  stanza.getChild('error')?.getChildElements().find((child) => child.attrs['xmlns'] === 'urn:ietf:params:xml:ns:xmpp-stanzas')?.name
