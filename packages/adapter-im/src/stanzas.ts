/**
 * Building the stanzas the adapter sends. A signaling payload travels as
 * `<signal xmlns='urn:beckon:signaling:1' at='…'>JSON</signal>` in a message without a `<body>`;
 * `at` is the sender's estimate of the server's clock when it sent (see `serverTime.ts`).
 *
 * Stored and online-only messages differ in type and hints:
 * - stored 1:1: `type='chat'` (offline storage, carbons) plus `<store/>`, since the archive skips
 *   body-less messages otherwise;
 * - online-only 1:1: `type='headline'` with `<no-store/>` and `<no-permanent-store/>`: no server
 *   stores a headline, and it still reaches every connected device of the addressee;
 * - group: `type='groupchat'` to the room, the hints deciding whether the room archives it.
 *
 * Only a stored 1:1 message sent with `offlinePushInfo` has a `<body>`: the push info, for the
 * server's push module (see `push.ts`).
 *
 * @module
 */
import type { Element } from '@xmpp/client'
import { xml } from '@xmpp/xml'
import { NS_CARBONS, NS_CONFERENCE, NS_CORRECT, NS_DATA, NS_FORWARD, NS_HINTS, NS_MUC, NS_SID, NS_SIGNAL, NS_TIME } from './namespaces.js'
import { requireXmlPayload } from './xmlText.js'

/** What every outgoing signaling message carries. */
export interface OutgoingSignal {
  /** The stanza id, repeated as XEP-0359 origin-id: the message id every party sees. */
  readonly id: string
  readonly payload: string
  /** The sender's estimate of the server clock at sending, in ms since the epoch. */
  readonly at: number
  readonly onlineOnly: boolean
  /** The id of the message this one corrects (XEP-0308). */
  readonly replaces?: string | undefined
  /** The push info for the push service (`push.ts`): a 1:1 message's `<body>`; a group message's notices. */
  readonly pushBody?: string | undefined
}

const hints = (onlineOnly: boolean): Element[] =>
  onlineOnly ? [xml('no-store', { xmlns: NS_HINTS }), xml('no-permanent-store', { xmlns: NS_HINTS })] : [xml('store', { xmlns: NS_HINTS })]

/** The payload and push info go in as text: refused if XML cannot carry them (xmlText.ts). */
const signalChildren = (signal: OutgoingSignal): Element[] => {
  requireXmlPayload(signal.payload, 'the signaling message')
  if (signal.pushBody !== undefined) requireXmlPayload(signal.pushBody, 'the push info')
  return [
    xml('signal', { xmlns: NS_SIGNAL, at: String(Math.round(signal.at)) }, signal.payload),
    xml('origin-id', { xmlns: NS_SID, id: signal.id }),
    ...(signal.replaces === undefined ? [] : [xml('replace', { xmlns: NS_CORRECT, id: signal.replaces })]),
    ...hints(signal.onlineOnly),
  ]
}

/** A 1:1 message to a user's bare JID, so it reaches every device. */
export const userMessage = (to: string, signal: OutgoingSignal, from?: string): Element =>
  xml(
    'message',
    { id: signal.id, to, from, type: signal.onlineOnly ? 'headline' : 'chat' },
    signal.pushBody === undefined ? null : xml('body', {}, signal.pushBody),
    ...signalChildren(signal),
  )

/** A message to a room, fanned out by the room to every occupant. */
export const groupMessage = (room: string, signal: OutgoingSignal): Element =>
  xml('message', { id: signal.id, to: room, type: 'groupchat' }, ...signalChildren(signal))

/**
 * An online-only message's copy for the sender's other devices. Servers make carbons of `chat`
 * messages only, never of headlines, so the sender forwards one itself, shaped like a carbon
 * (XEP-0280 `<sent/>`), to its own bare JID; receivers accept it only from their own account.
 * It is a `chat` message (Prosody does not route a headline from an account to itself), which no
 * server stores: its addressee is online (it is the sender), and the hints keep it out of the
 * archive and out of carbons.
 */
export const selfCarbon = (me: string, myFullJid: string, to: string, signal: OutgoingSignal): Element =>
  xml(
    'message',
    { id: `${signal.id}-copy`, to: me, type: 'chat' },
    xml('sent', { xmlns: NS_CARBONS }, xml('forwarded', { xmlns: NS_FORWARD }, userMessage(to, signal, myFullJid))),
    ...hints(true),
    xml('no-copy', { xmlns: NS_HINTS }),
  )

/**
 * A XEP-0249 direct invitation: how a member's devices learn of a room they now belong to. It
 * lists the members as the inviter knew them (unless `members` is undefined: a big room), so
 * that a device joining later can announce the membership changes that happened in between.
 */
export const roomInvitation = (id: string, to: string, room: string, members: readonly string[] | undefined): Element =>
  xml(
    'message',
    { id, to, type: 'normal' },
    xml('x', { xmlns: NS_CONFERENCE, jid: room }),
    members === undefined ? null : xml('members', { xmlns: NS_SIGNAL }, ...members.map((jid) => xml('member', { jid }))),
    xml('store', { xmlns: NS_HINTS }),
  )

/** XEP-0202 entity time query to the server. */
export const timeQuery = (domain: string): Element => xml('iq', { type: 'get', to: domain }, xml('time', { xmlns: NS_TIME }))

/** Available presence at priority 0, so bare-JID messages reach every device alike. */
export const availablePresence = (): Element => xml('presence', {}, xml('priority', {}, '0'))

/** Join a room as `room/nick` without the room's history (the archive is read instead). */
export const joinPresence = (occupant: string): Element =>
  xml('presence', { to: occupant }, xml('x', { xmlns: NS_MUC }, xml('history', { maxstanzas: '0' })))

/** A submitted XEP-0004 form. */
export const submitForm = (formType: string, fields: Readonly<Record<string, string>>): Element =>
  xml(
    'x',
    { xmlns: NS_DATA, type: 'submit' },
    xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, formType)),
    ...Object.entries(fields).map(([name, value]) => xml('field', { var: name }, xml('value', {}, value))),
  )
