/**
 * Offline push over XEP-0357. A device registers its app's push service (an XEP-0357 "app
 * server": a JID, the node that stands for this device there, and optional publish options such
 * as a secret) with its own server; while the device is away, the server's push module publishes
 * a notification to that service for each message stored for the user, and the service wakes the
 * device through its platform's push (APNs, FCM, …).
 *
 * What a notification says is the server's choice. Prosody's mod_cloud_notify and ejabberd's
 * mod_push put a summary in it — a message count, and, where the operator allows it, the
 * sender's JID and the message's `<body>`. beckon's signaling messages have no body, so the body
 * is where a message's `offlinePushInfo` travels: a 1:1 message sent with `offlinePushInfo` (and
 * not `disablePush`) carries `<body>{"offlinePushInfo":{"title":…,"description":…,"extension":…}}</body>`.
 * A room delivers nothing to members who are not in it, so a group message sent with it is
 * followed by a body-only 1:1 notice to each other member ({@link pushNotices}). No other message
 * has a body. The app server shows a notification for a summary whose `last-message-body` parses
 * to that object ({@link readPushBody}), and treats any other notification as silent.
 *
 * @module
 */
import type { Element } from '@xmpp/client'
import { xml } from '@xmpp/xml'
import { TransportError } from '@beckon/core'
import { NS_HINTS, NS_PUSH } from './namespaces.js'
import { IqError, type XmppSession } from './session.js'
import type { PushService } from './pushInfo.js'
import { submitForm } from './stanzas.js'

export { pushBody, readPushBody, type PushService } from './pushInfo.js'

/** The namespace of the data form carrying publish options. */
const PUBLISH_OPTIONS = 'http://jabber.org/protocol/pubsub#publish-options'

/** The `<iq type='set'><enable xmlns='urn:xmpp:push:0' jid node>` that registers `service`. */
export const enableRequest = (service: PushService): Element =>
  xml(
    'iq',
    { type: 'set' },
    xml(
      'enable',
      { xmlns: NS_PUSH, jid: service.jid, node: service.node },
      service.publishOptions === undefined ? null : submitForm(PUBLISH_OPTIONS, service.publishOptions),
    ),
  )

/** The `<iq type='set'><disable xmlns='urn:xmpp:push:0' jid node>` that unregisters `service`. */
export const disableRequest = (service: PushService): Element =>
  xml('iq', { type: 'set' }, xml('disable', { xmlns: NS_PUSH, jid: service.jid, node: service.node }))

/**
 * A group invitation's push notices: one stored 1:1 message per other member of the room, with
 * nothing but the push body. A room delivers nothing to members who are not in it, so no server
 * pushes for a group message; these give the server something stored for each member, which it
 * pushes for a device that is away (a device reading them ignores them: they carry no signal).
 * `<no-copy/>` keeps them from the sender's other devices.
 */
export const pushNotices = (members: Iterable<string>, me: string, id: string, body: string): Element[] =>
  [...members]
    .filter((bare) => bare !== me)
    .map((bare, n) => xml('message', { id: `${id}-push-${n}`, to: bare, type: 'chat' }, xml('body', {}, body), xml('store', { xmlns: NS_HINTS }), xml('no-copy', { xmlns: NS_HINTS })))

/**
 * This device's push registration. The server keeps a registration across sessions (so pushes
 * go on while the device is away), but ties it to a session only when that session enables it:
 * a server pushes for a registration no live session holds. So the registration is enabled again
 * on every new session (a resumed XEP-0198 session keeps it). It is sent as soon as the session
 * is up, ahead of the catch-up's archive queries: the server handles one stream's stanzas in
 * order, so by the time the device reports `connected` the server has taken it.
 */
export class PushRegistration {
  readonly #session: XmppSession
  readonly #onError: (error: unknown) => void
  #service: PushService | undefined

  constructor(session: XmppSession, service: PushService | undefined, onError: (error: unknown) => void) {
    this.#session = session
    this.#onError = onError
    this.#service = service
    session.onEvent((event) => {
      if (event === 'online' && this.#service !== undefined) this.#request(enableRequest(this.#service)).catch(onError)
    })
  }

  /** The registered push service, if any. */
  get service(): PushService | undefined {
    return this.#service
  }

  /** Register `service` on the live session (replacing any other) and for every later one. */
  async enable(service: PushService): Promise<void> {
    const previous = this.#service
    await this.#request(enableRequest(service))
    this.#service = service
    // A device has one push service; the server would otherwise keep pushing to the old one.
    if (previous !== undefined && (previous.jid !== service.jid || previous.node !== service.node)) {
      await this.#request(disableRequest(previous)).catch(this.#onError)
    }
  }

  /** Unregister the push service on the server; no later session enables it. */
  async disable(): Promise<void> {
    const service = this.#service
    if (service === undefined) return
    await this.#request(disableRequest(service))
    this.#service = undefined
  }

  async #request(stanza: Element): Promise<void> {
    try {
      await this.#session.iq(stanza)
    } catch (error) {
      if (error instanceof IqError) throw new TransportError('Rejected', `the server refused the push registration: ${error.condition}`)
      throw error
    }
  }
}
