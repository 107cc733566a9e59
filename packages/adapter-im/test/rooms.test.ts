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

const groupchat = (nick: string, item?: { jid: string; affiliation: string }) =>
  readSignal(
    xml(
      'message',
      { from: `${ROOM}/${nick}`, type: 'groupchat', id: 'g1' },
      xml('signal', { xmlns: NS_SIGNAL }, 'p'),
      item === undefined ? null : xml('x', { xmlns: NS_MUC_USER }, xml('item', item)),
    ),
  )!

describe('RoomRegistry', () => {
  it('attributes a live group message to the real user and device behind the occupant', () => {
    const { registry, room } = setup()
    registry.handlePresence(presence('bob/phone', 'bob@localhost/phone', 'member'), parseAddress(`${ROOM}/bob/phone`)!, toUserID)
    expect(registry.senderOf(room, groupchat('bob/phone'), false)).toEqual({ userBare: 'bob@localhost', device: 'phone' })
  })

  it('drops messages from unknown occupants, non-members and this device itself', () => {
    const { registry, room } = setup()
    expect(registry.senderOf(room, groupchat('mallory/x'), false)).toBeUndefined()
    registry.handlePresence(presence('eve/x', 'eve@localhost/x', 'none'), parseAddress(`${ROOM}/eve/x`)!, toUserID)
    expect(registry.senderOf(room, groupchat('eve/x'), false)).toBeUndefined()
    expect(registry.senderOf(room, groupchat('alice/desk'), false)).toBeUndefined()
  })

  it('attributes an archived message by the real JID the room recorded, if a member sent it', () => {
    const { registry, room } = setup()
    expect(registry.senderOf(room, groupchat('bob/phone', { jid: 'bob@localhost', affiliation: 'member' }), true)).toEqual({ userBare: 'bob@localhost', device: 'phone' })
    expect(registry.senderOf(room, groupchat('eve/x', { jid: 'eve@localhost', affiliation: 'none' }), true)).toBeUndefined()
    expect(registry.senderOf(room, groupchat('bob/phone'), true)).toBeUndefined()
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
