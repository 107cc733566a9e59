import { describe, expect, it } from 'vitest'
import { xml, type Element } from '@xmpp/client'
import { readCarbon, readInvitation, readMucUser, readSignal } from '../src/decode.js'
import { parseAddress } from '../src/jid.js'
import { NS_CARBONS, NS_FORWARD, NS_SIGNAL } from '../src/namespaces.js'
import { userMessage } from '../src/stanzas.js'

const me = parseAddress('bob@localhost/phone')!
const signal = { id: 'm1', payload: '{"actionType":1}', at: 1_700_000_000_123, onlineOnly: false }

describe('readSignal', () => {
  it('reads what userMessage writes: id, payload, the sender’s time and the hints', () => {
    const message = userMessage('bob@localhost', signal, 'alice@localhost/laptop')
    expect(readSignal(message)).toMatchObject({ id: 'm1', payload: signal.payload, claimedAt: signal.at, type: 'chat', noStore: false, replaces: undefined })
  })

  it('marks an online-only message as a headline that must not be stored', () => {
    const message = userMessage('bob@localhost', { ...signal, onlineOnly: true }, 'alice@localhost/laptop')
    expect(readSignal(message)).toMatchObject({ type: 'headline', noStore: true })
  })

  it('never throws on malformed stanzas, and reads nothing from them', () => {
    const malformed: Element[] = [
      xml('message', {}),
      xml('message', { from: 'alice@localhost/x' }, xml('body', {}, 'hi')),
      xml('message', { from: '@@@' }, xml('signal', { xmlns: NS_SIGNAL }, 'x')),
      xml('message', { from: 'alice@localhost/x' }, xml('signal', { xmlns: NS_SIGNAL }, 'x')), // no id at all
      xml('presence', { from: 'alice@localhost/x', id: 'p' }, xml('signal', { xmlns: NS_SIGNAL }, 'x')),
    ]
    for (const stanza of malformed) expect(readSignal(stanza)).toBeUndefined()
  })

  it('ignores a claimed time that is not a plain number', () => {
    const message = xml('message', { from: 'alice@localhost/x', id: 'm2' }, xml('signal', { xmlns: NS_SIGNAL, at: '12e5' }, 'p'))
    expect(readSignal(message)?.claimedAt).toBeUndefined()
  })
})

describe('readCarbon', () => {
  const carbon = (from: string): Element =>
    xml('message', { from, to: 'bob@localhost/phone' }, xml('sent', { xmlns: NS_CARBONS }, xml('forwarded', { xmlns: NS_FORWARD }, userMessage('carol@localhost', signal, 'bob@localhost/laptop'))))

  it('unwraps a carbon from my own account', () => {
    expect(readCarbon(carbon('bob@localhost'), me)?.direction).toBe('sent')
    expect(readCarbon(carbon('bob@localhost/laptop'), me)?.direction).toBe('sent')
  })

  it('refuses a carbon forged by someone else', () => {
    expect(readCarbon(carbon('mallory@localhost/x'), me)).toBeUndefined()
    expect(readCarbon(xml('message', { from: 'bob@localhost' }), me)).toBeUndefined()
  })
})

describe('readInvitation and readMucUser', () => {
  it('reads a direct invitation with the members the inviter listed', () => {
    const invitation = xml('message', { from: 'alice@localhost/desk' }, xml('x', { xmlns: 'jabber:x:conference', jid: 'Room@conference.localhost' }), xml('members', { xmlns: NS_SIGNAL }, xml('member', { jid: 'bob@localhost' })))
    expect(readInvitation(invitation)).toEqual({ room: 'room@conference.localhost', inviter: 'alice@localhost', members: ['bob@localhost'] })
    expect(readInvitation(xml('message', { from: 'a@b' }, xml('x', { xmlns: 'jabber:x:conference', jid: 'room@muc/nick' })))).toBeUndefined()
  })

  it('reads affiliation, real JID, status codes and destruction', () => {
    const presence = xml(
      'presence',
      { from: 'room@muc/bob/phone', type: 'unavailable' },
      xml('x', { xmlns: 'http://jabber.org/protocol/muc#user' }, xml('item', { affiliation: 'none', role: 'none', jid: 'bob@localhost/phone' }), xml('status', { code: '321' }), xml('destroy')),
    )
    const info = readMucUser(presence)
    expect(info).toMatchObject({ affiliation: 'none', destroyed: true })
    expect(info?.jid?.bare).toBe('bob@localhost')
    expect([...(info?.statuses ?? [])]).toEqual(['321'])
  })
})
