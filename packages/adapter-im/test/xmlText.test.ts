import { describe, expect, it } from 'vitest'
import { TransportError } from '@beckon/core'
import { notXmlAt, requireXmlPayload, requireXmlText } from '../src/xmlText.js'

describe('text XML cannot carry', () => {
  it('finds control characters, U+FFFE, U+FFFF and lone surrogates, and nothing else', () => {
    for (const bad of ['\u0000', '\u0008', '\u000B', '\u000C', '\u001F', '\uFFFE', '\uFFFF', '\uD800', '\uDC00', '\uDBFFb']) expect(notXmlAt(`ok${bad}`)).toBe(2)
    for (const good of ['\t\n\r', 'plain', 'ü€😀', '\uD83D\uDE00', '\uFFFD', '\u007F', '\uE000']) expect(notXmlAt(good)).toBe(-1)
  })

  it('names the id and the character', () => {
    expect(() => requireXmlText('bo\u0001b', 'userID')).toThrow(new TransportError('Rejected', 'userID "bo\\u0001b" holds U+0001, which XMPP cannot carry (no control character other than tab, line feed and carriage return, no U+FFFE or U+FFFF, no lone surrogate)'))
    expect(() => requireXmlText('bob', 'userID')).not.toThrow()
  })

  it('names the JSON field of a payload that holds one, or the payload when it is not JSON', () => {
    expect(() => requireXmlPayload(JSON.stringify({ inviteID: 'x', data: 'a\uFFFF', inviteeList: ['b'] }), 'the signaling message')).toThrow(/^data in the signaling message holds U\+FFFF/)
    expect(() => requireXmlPayload(JSON.stringify({ inviteeList: ['b', 'c\uFFFE'] }), 'the signaling message')).toThrow(/^inviteeList\[1\] in the signaling message holds U\+FFFE/)
    expect(() => requireXmlPayload(JSON.stringify({ offlinePushInfo: { title: '\uFFFF' } }), 'the push info')).toThrow(/^offlinePushInfo\.title in the push info/)
    expect(() => requireXmlPayload('not json \uFFFF', 'the signaling message')).toThrow(/^the signaling message holds U\+FFFF/)
    expect(() => requireXmlPayload(JSON.stringify({ data: 'fine \n' }), 'the signaling message')).not.toThrow()
  })
})
