/**
 * The parts of `@xmpp/*` 0.14 (which ship no types) that the browser client assembles, and
 * `@xmpp/xml`. Only internal modules import them: no type from here is in the public API.
 */
declare module '@xmpp/xml' {
  import type { Element, XmlChild } from '@xmpp/client'
  export function xml(name: string, attrs?: Record<string, string | number | undefined> | null, ...children: XmlChild[]): Element
}

declare module '@xmpp/client-core' {
  import type { EventEmitter } from 'node:events'
  /** A bare connection: transports, middleware and features are plugged in by the caller. */
  export class Client extends EventEmitter {
    constructor(options: { service: string; domain?: string; timeout?: number })
  }
}

declare module '@xmpp/websocket' {
  import type { Client } from '@xmpp/client-core'
  export default function websocket(parts: { entity: Client }): void
}

declare module '@xmpp/middleware' {
  import type { Client } from '@xmpp/client-core'
  export interface Middleware {
    readonly __middleware: unique symbol
  }
  export default function middleware(parts: { entity: Client }): Middleware
}

declare module '@xmpp/stream-features' {
  import type { Middleware } from '@xmpp/middleware'
  export interface StreamFeatures {
    readonly __streamFeatures: unique symbol
  }
  export default function streamFeatures(parts: { middleware: Middleware }): StreamFeatures
}

declare module '@xmpp/iq/caller.js' {
  import type { Client } from '@xmpp/client-core'
  import type { Middleware } from '@xmpp/middleware'
  import type { Element } from '@xmpp/client'
  export interface IqCaller {
    request(element: Element, timeout?: number): Promise<Element>
  }
  export default function iqCaller(parts: { middleware: Middleware; entity: Client }): IqCaller
}

declare module '@xmpp/iq/callee.js' {
  import type { Client } from '@xmpp/client-core'
  import type { Middleware } from '@xmpp/middleware'
  export interface IqCallee {
    get(xmlns: string, name: string, handler: () => object): void
  }
  export default function iqCallee(parts: { middleware: Middleware; entity: Client }): IqCallee
}

declare module 'saslmechanisms' {
  /** The registry of SASL mechanisms a client may use. */
  export default class SASLFactory {
    readonly __saslFactory: unique symbol
  }
}

declare module '@xmpp/sasl' {
  import type { Authenticate } from '@xmpp/client'
  import type { StreamFeatures } from '@xmpp/stream-features'
  import type SASLFactory from 'saslmechanisms'
  export default function sasl(parts: { streamFeatures: StreamFeatures; saslFactory: SASLFactory }, onAuthenticate: (authenticate: Authenticate, mechanisms: string[]) => Promise<void>): void
}

declare module '@xmpp/sasl-plain' {
  import type SASLFactory from 'saslmechanisms'
  export default function plain(factory: SASLFactory): void
}

declare module '@xmpp/stream-management' {
  import type { EventEmitter } from 'node:events'
  import type { Client } from '@xmpp/client-core'
  import type { Middleware } from '@xmpp/middleware'
  import type { StreamFeatures } from '@xmpp/stream-features'
  export default function streamManagement(parts: { streamFeatures: StreamFeatures; entity: Client; middleware: Middleware }): EventEmitter & { enabled: boolean; id: string }
}

declare module '@xmpp/resource-binding' {
  import type { IqCaller } from '@xmpp/iq/caller.js'
  import type { StreamFeatures } from '@xmpp/stream-features'
  export default function resourceBinding(parts: { iqCaller: IqCaller; streamFeatures: StreamFeatures }, resource?: string): void
}
