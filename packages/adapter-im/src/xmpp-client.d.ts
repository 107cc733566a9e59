/**
 * The part of `@xmpp/client` 0.14 (which ships no types) that the adapter uses. Only internal
 * modules import it: no type from here appears in the package's public API.
 */
declare module '@xmpp/client' {
  import type { EventEmitter } from 'node:events'
  import type { Socket } from 'node:net'

  /** An ltx element, as `@xmpp/xml` builds and the parser produces. */
  export interface Element {
    name: string
    attrs: Record<string, string | undefined>
    children: (Element | string)[]
    is(name: string, xmlns?: string): boolean
    getNS(): string | undefined
    getChild(name: string, xmlns?: string): Element | undefined
    getChildren(name: string, xmlns?: string): Element[]
    getChildElements(): Element[]
    getChildText(name: string, xmlns?: string): string | null
    text(): string
    append(...nodes: (Element | string)[]): Element
    toString(): string
  }

  export type XmlChild = Element | string | null | undefined | false | readonly XmlChild[]

  export function xml(name: string, attrs?: Record<string, string | number | undefined> | null, ...children: XmlChild[]): Element

  export interface JID {
    local: string
    domain: string
    resource: string
    bare(): JID
    toString(): string
  }

  export type Authenticate = (credentials: { username: string; password: string }, mechanism: string) => Promise<void>

  export interface ClientOptions {
    service: string
    domain?: string
    resource?: string
    credentials?: (authenticate: Authenticate, mechanisms: string[]) => Promise<void>
    timeout?: number
  }

  export interface Client extends EventEmitter {
    status: string
    jid: JID | null
    /** The TCP socket while connected (`xmpp://` service). */
    socket: Socket | null
    timeout: number
    start(): Promise<JID>
    /** Open the socket (the first half of `start`). */
    connect(service: string): Promise<unknown>
    /** Open the stream on the socket (the second half of `start`). */
    open(options: { domain: string; lang?: string }): Promise<unknown>
    stop(): Promise<unknown>
    disconnect(): Promise<unknown>
    send(element: Element): Promise<void>
    iqCaller: { request(element: Element, timeout?: number): Promise<Element> }
    reconnect: EventEmitter & { delay: number; start(): void; stop(): void }
    streamManagement: EventEmitter & { enabled: boolean; id: string }
  }

  export function client(options: ClientOptions): Client
}
