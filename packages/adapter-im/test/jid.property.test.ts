import { describe, expect } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { JID, parse } from '@xmpp/jid'
import { bareJid, parseAddress, userIDOf, type Address } from '../src/jid.js'
import { notXmlAt, requireXmlText } from '../src/xmlText.js'

// The adapter's JID functions as they were before addresses of plain ASCII were read directly:
// every address through `@xmpp/jid`. The functions under test must answer exactly as these do.
const fold = (part: string): string => part.normalize('NFKC')
const libraryAddress = (jid: JID): Address | undefined => {
  const { local, domain, resource } = jid
  if (domain === '' || domain.includes('@') || domain.includes('/')) return undefined
  return { local, domain, resource, bare: local === '' ? domain : `${local}@${domain}` }
}
const libraryParseAddress = (value: string | undefined): Address | undefined => {
  if (value === undefined || value === '') return undefined
  const slash = value.indexOf('/')
  const bare = slash < 0 ? value : value.slice(0, slash)
  if (bare.startsWith('@') || bare.endsWith('@') || notXmlAt(value) >= 0) return undefined
  try {
    const jid = parse(value)
    return libraryAddress(new JID(fold(jid.local), fold(jid.domain), jid.resource))
  } catch {
    return undefined
  }
}
const libraryBareJid = (local: string, domain: string, what = 'the id'): string => {
  requireXmlText(local, what)
  return new JID(fold(local), fold(domain)).toString()
}
const libraryUserIDOf = (address: Address): string => new JID(address.local, address.domain).getLocal(true)

/** What a call returned, or the class and message of what it threw. */
const outcome = (call: () => unknown): unknown => {
  try {
    return { returned: call() }
  } catch (error) {
    return { threw: error instanceof Error ? `${error.constructor.name}: ${error.message}` : error }
  }
}

// Pieces that each stress one step: the characters XEP-0106 escapes and their escapes (in either
// case, and a backslash that starts none), letters that lowercasing or NFKC change (full-width
// forms, a ligature, the Kelvin sign, dotted I, sharp s, sigma, combining marks), spaces the
// escaping trims or NFKC makes, characters XML cannot carry (controls, noncharacters, lone
// surrogates), and astral characters.
const ODD = [
  '@', '/', '\\', ' ', '"', '&', "'", ':', '<', '>', '\t', '\n', '\r',
  '\\20', '\\22', '\\26', '\\27', '\\2f', '\\2F', '\\3a', '\\3c', '\\3e', '\\40', '\\5c', '\\5C', '\\41', '\\\\',
  'Ｂ', 'ｂ', '＠', '／', '＇', '＼', '：', 'ﬁ', 'K', 'İ', 'ẞ', 'ß', 'Σ', 'é', 'e\u0301', '\u00A0', '\u3000', '\u2028', '\u00AD',
  '\u0000', '\u0008', '\u001F', '\u007F', '\uFFFE', '\uFFFF', '\uD800', '\uDC00', '😀', '𝔸',
]
/** What the direct reading takes: printable ASCII but space and the characters XEP-0106 escapes, of either case. */
const plain = fc.stringMatching(/^[!#-%(-.0-9;=?A-[\]-~]{0,6}$/)
const piece = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...ODD) }, plain, fc.string({ unit: 'binary', maxLength: 2 }))
const text = fc.array(piece, { maxLength: 8 }).map((pieces) => pieces.join(''))
/** `plainText` with one odd piece put in anywhere: what the direct reading must pass on (or may take, where the piece changes nothing). */
const withOne = (plainText: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.tuple(plainText, fc.constantFrom(...ODD), fc.nat()).map(([s, odd, at]) => s.slice(0, at % (s.length + 1)) + odd + s.slice(at % (s.length + 1)))
const part = fc.oneof(plain, { weight: 2, arbitrary: withOne(plain) }, text)
/** A plain address: local part, domain and resource, each there or not. */
const plainAddress = fc.tuple(plain, fc.constantFrom('', '@'), plain, fc.constantFrom('', '/'), plain).map((pieces) => pieces.join(''))
/** Shaped like an address, with `@` and `/` where they belong, doubled, misplaced or missing. */
const address = fc
  .tuple(part, fc.constantFrom('', '@', '@@'), part, fc.constantFrom('', '/', '//', '@'), part, fc.constantFrom('', '/', '@'), part)
  .map((pieces) => pieces.join(''))
const anyAddress = fc.oneof(plainAddress, { weight: 3, arbitrary: withOne(plainAddress) }, address, text, fc.string({ unit: 'binary' }))

describe('JIDs: the direct reading of plain addresses', () => {
  test.prop([anyAddress], { numRuns: 5000 })('for every string, parseAddress returns exactly what the library path returns (the same address, or undefined for both)', (value) => {
    expect(parseAddress(value)).toStrictEqual(libraryParseAddress(value))
  })

  test.prop([part, part, fc.constantFrom(undefined, 'userID', 'groupID')], { numRuns: 5000 })(
    'for every local part and domain, bareJid returns the same JID as the library path, or throws the same error',
    (local, domain, what) => {
      expect(outcome(() => bareJid(local, domain, what))).toStrictEqual(outcome(() => libraryBareJid(local, domain, what)))
    },
  )

  test.prop([fc.oneof(anyAddress.map((value) => parseAddress(value)).filter((a) => a !== undefined), fc.record({ local: part, domain: part, resource: part, bare: part }))], {
    numRuns: 5000,
  })('for every address, parsed or made up, userIDOf returns the same user ID as the library path, or throws the same error', (value) => {
    expect(outcome(() => userIDOf(value))).toStrictEqual(outcome(() => libraryUserIDOf(value)))
  })
})
