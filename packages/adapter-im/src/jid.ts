/**
 * JIDs through `@xmpp/jid`, which lowercases the local part and the domain and escapes what a
 * local part may not hold (XEP-0106: `o'brien` → `o\27brien`), leaving an escaped one as it is.
 * Two things are added here: compatibility characters are folded (NFKC) as the server's nodeprep
 * does, so a full-width `Ｂob` is `bob` on both sides; and parsing never throws, since incoming
 * stanzas are untrusted and `@xmpp/jid` throws on a missing domain.
 *
 * Most addresses need none of that work: a local part and a domain of printable ASCII other than
 * space and the characters XEP-0106 escapes (`" & ' / : < > @ \`) are left as they are by the
 * escaping and by NFKC, and only lowercased. Such an address is read here directly, at a fraction
 * of the cost (the library's escape detection alone runs ten `replaceAll`s per JID, and an address
 * was parsed into two JIDs); every other one goes through `@xmpp/jid` as described above. Both
 * ways give the same result for every input (a property test holds them to it). Nothing is cached.
 *
 * @module
 */
import { JID, parse } from '@xmpp/jid'
import { notXmlAt, requireXmlText } from './xmlText.js'

/** A parsed address. `local` (escaped) and `resource` are `''` when absent. */
export interface Address {
  readonly local: string
  readonly domain: string
  readonly resource: string
  /** `local@domain` (or `domain`), normalized. */
  readonly bare: string
}

/**
 * A local part or a domain that escaping, NFKC and lowercasing leave as it is, but for the
 * lowercasing: printable ASCII (U+0021–U+007E) without `" & ' / : < > @ \`.
 */
const PLAIN = /^[!#-%(-.0-9;=?A-[\]-~]+$/
/** A bare address whose parts are both {@link PLAIN}, with or without a local part. */
const PLAIN_BARE = /^(?:[!#-%(-.0-9;=?A-[\]-~]+@)?[!#-%(-.0-9;=?A-[\]-~]+$/

const fold = (part: string): string => part.normalize('NFKC')

const toAddress = (jid: JID): Address | undefined => {
  const { local, domain, resource } = jid
  // `@xmpp/jid` takes everything after the first `@` as the domain, and an empty local part as none.
  if (domain === '' || domain.includes('@') || domain.includes('/')) return undefined
  return { local, domain, resource, bare: local === '' ? domain : `${local}@${domain}` }
}

/** Parse `local@domain/resource`; `undefined` for an empty or malformed address, or one XML cannot carry. */
export const parseAddress = (value: string | undefined): Address | undefined => {
  if (value === undefined || value === '') return undefined
  const slash = value.indexOf('/')
  const bare = slash < 0 ? value : value.slice(0, slash)
  if (PLAIN_BARE.test(bare)) {
    const resource = slash < 0 ? '' : value.slice(slash + 1)
    if (notXmlAt(resource) >= 0) return undefined
    const lower = bare.toLowerCase()
    const at = lower.indexOf('@')
    return { local: at < 0 ? '' : lower.slice(0, at), domain: at < 0 ? lower : lower.slice(at + 1), resource, bare: lower }
  }
  if (bare.startsWith('@') || bare.endsWith('@') || notXmlAt(value) >= 0) return undefined
  try {
    const jid = parse(value)
    return toAddress(new JID(fold(jid.local), fold(jid.domain), jid.resource))
  } catch {
    return undefined
  }
}

/**
 * `local@domain`, normalized (the local part escaped if it needs to be). Throws on an empty domain,
 * and fails with `TransportError('Rejected')` naming `what` (`userID`, `groupID`) when the local
 * part holds a character XML cannot carry (xmlText.ts).
 */
export const bareJid = (local: string, domain: string, what = 'the id'): string => {
  if (PLAIN.test(local) && PLAIN.test(domain)) return `${local}@${domain}`.toLowerCase()
  requireXmlText(local, what)
  return new JID(fold(local), fold(domain)).toString()
}

/** The user a bare address of this user's own domain stands for: its local part, unescaped. */
export const userIDOf = (address: Address): string =>
  PLAIN.test(address.local) && address.domain !== '' ? address.local.toLowerCase() : new JID(address.local, address.domain).getLocal(true)
