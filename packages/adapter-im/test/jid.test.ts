import { describe, expect, it } from 'vitest'
import { bareJid, parseAddress, userIDOf } from '../src/jid.js'

describe('JIDs', () => {
  it('lowercases the local part and the domain, and keeps the resource as it is', () => {
    expect(parseAddress('Alice@Example.ORG/Desk')).toEqual({ local: 'alice', domain: 'example.org', resource: 'Desk', bare: 'alice@example.org' })
  })

  it('escapes what a local part may not hold (XEP-0106), so a user called o’brien gets a valid JID', () => {
    expect(bareJid("O'Brien", 'localhost')).toBe(String.raw`o\27brien@localhost`)
    expect(bareJid('ann smith', 'localhost')).toBe(String.raw`ann\20smith@localhost`)
    expect(userIDOf(parseAddress(String.raw`o\27brien@localhost`)!)).toBe("o'brien")
  })

  it('leaves an address that is escaped already as it is (what the server sends back parses to the same JID)', () => {
    expect(parseAddress(String.raw`o\27brien@localhost/phone`)?.bare).toBe(bareJid("o'brien", 'localhost'))
  })

  it('folds compatibility characters as nodeprep does (NFKC), so two spellings of one name are one user', () => {
    expect(bareJid('\uFB01nn', 'localhost')).toBe('finn@localhost') // the "fi" ligature
    expect(parseAddress('Ｂob@ｌocalhost')?.bare).toBe('bob@localhost') // full-width letters
  })

  it('refuses what is no address at all, without throwing (stanzas are untrusted)', () => {
    for (const bad of [undefined, '', '@localhost', 'alice@', 'a@b@c', '/phone', 'alice@/phone']) expect(parseAddress(bad), String(bad)).toBeUndefined()
  })
})
