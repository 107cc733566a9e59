/** The part of `@xmpp/jid` 0.14 (which ships no types) that the adapter uses. */
declare module '@xmpp/jid' {
  /** An XMPP address: local part lowercased and XEP-0106-escaped, domain lowercased. */
  export class JID {
    constructor(local: string | undefined, domain: string, resource?: string)
    readonly local: string
    readonly domain: string
    readonly resource: string
    getLocal(unescape?: boolean): string
    bare(): JID
    toString(unescape?: boolean): string
  }
  /** Split `local@domain/resource`; throws `TypeError` when the domain is empty. */
  export function parse(value: string): JID
}
