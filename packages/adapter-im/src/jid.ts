/**
 * A JID parser that never throws: incoming stanzas are untrusted, and `@xmpp/jid` throws on
 * malformed addresses. Local and domain parts are lowercased for comparison (Prosody nodepreps
 * them), the resource is kept as is.
 *
 * @module
 */

/** A parsed address. `local` and `resource` are `''` when absent. */
export interface Address {
  readonly local: string
  readonly domain: string
  readonly resource: string
  /** `local@domain` (or `domain`), lowercased. */
  readonly bare: string
}

/** Parse `local@domain/resource`; `undefined` for an empty or malformed address. */
export const parseAddress = (value: string | undefined): Address | undefined => {
  if (value === undefined || value === '') return undefined
  const slash = value.indexOf('/')
  const bareText = slash < 0 ? value : value.slice(0, slash)
  const resource = slash < 0 ? '' : value.slice(slash + 1)
  const at = bareText.indexOf('@')
  const local = (at < 0 ? '' : bareText.slice(0, at)).toLowerCase()
  const domain = (at < 0 ? bareText : bareText.slice(at + 1)).toLowerCase()
  if (domain === '' || domain.includes('@') || (at >= 0 && local === '')) return undefined
  return { local, domain, resource, bare: local === '' ? domain : `${local}@${domain}` }
}

/** `local@domain`, lowercased. */
export const bareJid = (local: string, domain: string): string => `${local}@${domain}`.toLowerCase()
