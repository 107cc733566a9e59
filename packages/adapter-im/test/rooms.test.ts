import { describe, expect, it } from 'vitest'
import { xml } from '@xmpp/client'
import type { MembershipEvent } from '@beckon/core'
import { readSignal } from '../src/decode.js'
import { parseAddress } from '../src/jid.js'
import { NS_MUC_USER, NS_SIGNAL } from '../src/namespaces.js'
import { RoomRegistry } from '../src/rooms.js'

const ROOM = 'class@conference.localhost'
const toUserID = (bare: string): string => bare.slice(0, bare.indexOf('@'))
const me = parseAddress('alice@localhost/desk')!

const setup = () => {
  const events: MembershipEvent[] = []
  const registry = new RoomRegistry(me, 'alice', (event) => events.push(event))
  const room = registry.add(ROOM, 'class', 'alice/desk')
  registry.setMembers(room, new Map([['alice@localhost', 'owner'], ['bob@localhost', 'member']]), toUserID)
  return { registry, room, events }
}

const presence = (nick: string, jid: string, affiliation: string, type?: string, ...codes: string[]) =>
  xml('presence', { from: `${ROOM}/${nick}`, type }, xml('x', { xmlns: NS_MUC_USER }, xml('item', { affiliation, role: 'participant', jid }), ...codes.map((code) => xml('status', { code }))))

type Item = { jid: string; affiliation?: string }

/** A groupchat message from `nick`, with one muc#user `<x/>` per entry of `items` (in that order). */
const groupchat = (nick: string, ...items: Item[]) =>
  readSignal(
    xml(
      'message',
      { from: `${ROOM}/${nick}`, type: 'groupchat', id: 'g1' },
      xml('signal', { xmlns: NS_SIGNAL }, 'p'),
      ...items.map((item) => xml('x', { xmlns: NS_MUC_USER }, xml('item', item))),
    ),
  )!

describe('RoomRegistry', () => {
  it('attributes a live group message to the real user and device behind the occupant', () => {
    const { registry, room } = setup()
    registry.handlePresence(presence('bob/phone', 'bob@localhost/phone', 'member'), parseAddress(`${ROOM}/bob/phone`)!, toUserID)
    expect(registry.senderOf(room, groupchat('bob/phone'), false)).toEqual({ userBare: 'bob@localhost', device: 'phone', own: false })
  })

  it('drops live messages from unknown occupants and non-members; its own nickname is this device', () => {
    const { registry, room } = setup()
    expect(registry.senderOf(room, groupchat('mallory/x'), false)).toBeUndefined()
    registry.handlePresence(presence('eve/x', 'eve@localhost/x', 'none'), parseAddress(`${ROOM}/eve/x`)!, toUserID)
    expect(registry.senderOf(room, groupchat('eve/x'), false)).toBeUndefined()
    expect(registry.senderOf(room, groupchat('alice/desk'), false)).toEqual({ userBare: 'alice@localhost', device: 'desk', own: true })
  })

  it('drops a live message that carries a muc#user item: the server adds none, so its sender wrote it', () => {
    const { registry, room } = setup()
    registry.handlePresence(presence('bob/phone', 'bob@localhost/phone', 'member'), parseAddress(`${ROOM}/bob/phone`)!, toUserID)
    expect(registry.senderOf(room, groupchat('bob/phone', { jid: 'alice@localhost', affiliation: 'owner' }), false)).toBeUndefined()
    expect(registry.senderOf(room, groupchat('bob/phone', { jid: 'bob@localhost', affiliation: 'member' }), false)).toBeUndefined()
  })

  it('attributes an archived message by the real JID the room recorded, if a member sent it', () => {
    const { registry, room } = setup()
    expect(registry.senderOf(room, groupchat('bob/phone', { jid: 'bob@localhost', affiliation: 'member' }), true)).toEqual({ userBare: 'bob@localhost', device: 'phone', own: false })
    expect(registry.senderOf(room, groupchat('eve/x', { jid: 'eve@localhost', affiliation: 'none' }), true)).toBeUndefined()
    expect(registry.senderOf(room, groupchat('bob/phone'), true)).toBeUndefined()
  })

  it('attributes an archived message whose record states no affiliation (ejabberd’s) by the members this device knows', () => {
    const { registry, room } = setup()
    expect(registry.senderOf(room, groupchat('bob/phone', { jid: 'bob@localhost/phone' }), true)).toEqual({ userBare: 'bob@localhost', device: 'phone', own: false })
    expect(registry.senderOf(room, groupchat('eve/x', { jid: 'eve@localhost/x' }), true)).toBeUndefined()
    expect(registry.senderOf(room, groupchat('bob/phone', { jid: 'bob@localhost/phone' }, { jid: 'alice@localhost/desk' }), true)).toBeUndefined()
  })

  it('drops an archived message with more than one muc#user item: which one the archive added is not certain', () => {
    const { registry, room } = setup()
    const forged = groupchat('bob/phone', { jid: 'alice@localhost', affiliation: 'owner' }, { jid: 'bob@localhost', affiliation: 'member' })
    expect(registry.senderOf(room, forged, true)).toBeUndefined()
    const twoInOne = readSignal(
      xml(
        'message',
        { from: `${ROOM}/bob/phone`, type: 'groupchat', id: 'g2' },
        xml('signal', { xmlns: NS_SIGNAL }, 'p'),
        xml('x', { xmlns: NS_MUC_USER }, xml('item', { jid: 'alice@localhost', affiliation: 'owner' }), xml('item', { jid: 'bob@localhost', affiliation: 'member' })),
      ),
    )!
    expect(registry.senderOf(room, twoInOne, true)).toBeUndefined()
  })

  it('takes an archived message under this device’s nickname as its own only if the record names this user', () => {
    const { registry, room } = setup()
    expect(registry.senderOf(room, groupchat('alice/desk', { jid: 'alice@localhost', affiliation: 'owner' }), true)).toEqual({ userBare: 'alice@localhost', device: 'desk', own: true })
    expect(registry.senderOf(room, groupchat('alice/desk', { jid: 'bob@localhost', affiliation: 'member' }), true)).toEqual({ userBare: 'bob@localhost', device: '', own: false })
  })

  it('announces affiliation changes once the member list is known, and a removal of this user', () => {
    const { registry, room, events } = setup()
    registry.handleAnnouncement(xml('message', { from: ROOM }, xml('x', { xmlns: NS_MUC_USER }, xml('item', { affiliation: 'member', jid: 'carol@localhost' }))), room, toUserID)
    const left = registry.handlePresence(presence('alice/desk', 'alice@localhost/desk', 'none', 'unavailable', '110', '321'), parseAddress(`${ROOM}/alice/desk`)!, toUserID)
    expect(left.lost).toBe(room)
    expect(events).toEqual([
      { type: 'memberJoined', groupID: 'class', userID: 'carol' },
      { type: 'memberLeft', groupID: 'class', userID: 'alice' },
    ])
  })
})
