/**
 * A loopback XEP-0357 app server that records what the test Prosody's push module sends it. It is
 * an external component (XEP-0114: a TCP stream in `jabber:component:accept`, authenticated by a
 * SHA-1 handshake over the stream id and the shared secret), as a real push service is; it
 * answers every pubsub publish with a result, as XEP-0357 asks of an app server.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import { createConnection, type Socket } from 'node:net'
import { xml, type Element } from '@xmpp/client'
import { pushComponent } from '../../scripts/prosody/config.js'
import { settings, until } from './support.js'

const NS_PUBSUB = 'http://jabber.org/protocol/pubsub'
const NS_PUSH = 'urn:xmpp:push:0'
const NS_DATA = 'jabber:x:data'

/** The summary one notification carried, with the publish options the server sent along. */
export interface Notification {
  /** The pubsub node published to: the node the device registered. */
  readonly node: string
  /** The summary form's fields (`message-count`, `last-message-sender`, `last-message-body`, …). */
  readonly summary: Readonly<Record<string, string>>
  /** The publish options' fields (the registration's `secret`, say). */
  readonly publishOptions: Readonly<Record<string, string>>
}

/** `@xmpp/xml`'s stream parser, reached through `@xmpp/client`'s `xml` (its types leave it out). */
interface StreamParser {
  on(event: 'start' | 'element', listener: (element: Element) => void): void
  on(event: 'error', listener: (error: Error) => void): void
  write(data: string): void
}
const newParser = (): StreamParser => new (xml as unknown as { Parser: new () => StreamParser }).Parser()

const formFields = (form: Element | undefined): Record<string, string> =>
  Object.fromEntries((form?.getChildren('field') ?? []).map((field) => [field.attrs['var'] ?? '', field.getChildText('value') ?? '']))

const readNotification = (iq: Element): Notification | undefined => {
  const publish = iq.getChild('pubsub', NS_PUBSUB)?.getChild('publish')
  const notification = publish?.getChild('item')?.getChild('notification', NS_PUSH)
  if (publish === undefined || notification === undefined) return undefined
  const options = iq.getChild('pubsub', NS_PUBSUB)?.getChild('publish-options')?.getChild('x', NS_DATA)
  return { node: publish.attrs['node'] ?? '', summary: formFields(notification.getChild('x', NS_DATA)), publishOptions: formFields(options) }
}

/** The push service, connected as `push.<domain>`. */
export class PushService {
  readonly jid = pushComponent(settings).domain
  /** Every notification received, in order. */
  readonly notifications: Notification[] = []
  readonly #socket: Socket

  private constructor(socket: Socket) {
    this.#socket = socket
  }

  /** Connect to the test Prosody's component port; resolves once the handshake succeeded. */
  static async connect(): Promise<PushService> {
    const { domain, secret } = pushComponent(settings)
    const socket = createConnection({ host: '127.0.0.1', port: settings.componentPort })
    const service = new PushService(socket)
    const parser = newParser()
    let ready = false
    let failure: Error | undefined
    parser.on('error', (error) => (failure = error))
    parser.on('start', (stream) => {
      const handshake = createHash('sha1').update(`${stream.attrs['id'] ?? ''}${secret}`).digest('hex')
      socket.write(xml('handshake', {}, handshake).toString())
    })
    parser.on('element', (element) => {
      if (element.is('handshake')) ready = true
      else if (element.name === 'stream:error') failure = new Error(`the server refused the push component: ${element.toString()}`)
      else if (element.is('iq')) service.#answer(element)
    })
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => parser.write(chunk))
    socket.on('error', (error) => (failure = error))
    socket.on('connect', () =>
      socket.write(`<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' to='${domain}'>`),
    )
    await until(() => ready || failure !== undefined, 'the push component to connect')
    if (failure !== undefined) throw failure
    return service
  }

  /** Wait until `count` notifications have arrived. */
  async received(count: number, timeoutMs = 10_000): Promise<readonly Notification[]> {
    await until(() => this.notifications.length >= count, `${count} push notification(s)`, timeoutMs)
    return this.notifications
  }

  close(): void {
    this.#socket.end('</stream:stream>')
  }

  #answer(iq: Element): void {
    const notification = iq.attrs['type'] === 'set' ? readNotification(iq) : undefined
    if (notification !== undefined) this.notifications.push(notification)
    const reply = notification === undefined
      ? xml('iq', { type: 'error', id: iq.attrs['id'], to: iq.attrs['from'], from: iq.attrs['to'] }, xml('error', { type: 'cancel' }, xml('feature-not-implemented', { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' })))
      : xml('iq', { type: 'result', id: iq.attrs['id'], to: iq.attrs['from'], from: iq.attrs['to'] })
    if (iq.attrs['type'] === 'set' || iq.attrs['type'] === 'get') this.#socket.write(reply.toString())
  }
}
