/**
 * The sender of a room message is what the server asserts, never what a client wrote.
 *
 * The attacker is mallory, a real member of the group, on a bare `@xmpp/client` connection: she
 * sends hand-built groupchat messages that carry beckon envelopes in someone else's name, plus a
 * `<x xmlns='http://jabber.org/protocol/muc#user'><item jid='…'/></x>` naming that someone — the
 * element a MUC archive uses to record who really sent a message in a non-anonymous room — and
 * under the nickname of one of alice's devices that is offline. Prosody relays a client's own
 * muc#user element in a groupchat message untouched and archives it; its archive adds its own
 * record of the real sender after whatever the client put there (mod_muc_mam `save_to_history`).
 *
 * Every kind of action is forged — an invite, a cancel, an accept, a reject, a timeout and a
 * correction (XEP-0308) — and the victims are devices that were in the room (live) and devices
 * that log in afterwards and catch up from the room's archive. None may take a forged message
 * as the user it names; honest traffic of the same room still reaches both kinds of device.
 *
 * @module
 */
import { xml, type Element } from '@xmpp/client'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { NS_CORRECT, NS_HINTS, NS_MUC_USER, NS_SID, NS_SIGNAL, RawClient } from './rawClient.js'
import { Stage, type Party } from './stage.js'
import { settings, sleep, until, xmppEnabled } from './support.js'

const GROUP = 'g'
const TIMEOUT = 120
/** The invitations alice really sends, one per forged follow-up. */
const TARGETS = ['cancel', 'accept', 'reject', 'timeout', 'modify'] as const
type Target = (typeof TARGETS)[number]

interface Forgery {
  readonly actionType: 1 | 2 | 3 | 4 | 5
  readonly inviteID: string
  /** Who the forged message claims to be from (a name in the script). */
  readonly claims: string
  readonly inviteeList: readonly string[]
  readonly data: string
  /** For a correction: the message id of the invite it replaces. */
  readonly replaces?: string
}

let forged = 0

describe.skipIf(!xmppEnabled)('a group member cannot speak as someone else', () => {
  let stage: Stage
  let mallory: RawClient
  const live: Party[] = []
  const archived: Party[] = []
  const invitations = new Map<Target, string>()
  const forgedInviteID = `forged-invite-${Date.now().toString(36)}`
  let honestID = ''
  let cancelledID = ''

  const serverBare = (name: string): string => `${stage.naming.toServer(name)}@${settings.domain}`
  const roomJid = (): string => `${stage.group(GROUP)}@${settings.domain === 'localhost' ? 'conference.localhost' : `conference.${settings.domain}`}`

  /** A groupchat message from mallory carrying `forgery`, with a muc#user item naming the claimed sender. */
  const forge = (forgery: Forgery): Element => {
    const id = `mallory-${Date.now().toString(36)}-${++forged}`
    const envelope = {
      businessID: 1,
      inviteID: forgery.inviteID,
      groupID: GROUP,
      inviter: 'alice',
      inviteeList: forgery.inviteeList,
      data: forgery.data,
      timeout: TIMEOUT,
      actionType: forgery.actionType,
      onlineUserOnly: false,
      beckon: { actionID: `0000-${id}` },
    }
    return xml(
      'message',
      { id, to: roomJid(), type: 'groupchat' },
      xml('signal', { xmlns: NS_SIGNAL, at: String(Date.now()) }, JSON.stringify(envelope)),
      xml('origin-id', { xmlns: NS_SID, id }),
      forgery.replaces === undefined ? null : xml('replace', { xmlns: NS_CORRECT, id: forgery.replaces }),
      xml('x', { xmlns: NS_MUC_USER }, xml('item', { jid: serverBare(forgery.claims), affiliation: 'owner', role: 'moderator' })),
      xml('store', { xmlns: NS_HINTS }),
    )
  }

  /** The id of the groupchat message that carried alice's invite `inviteID`, as mallory saw it. */
  const inviteMessageID = (inviteID: string): string | undefined => {
    const message = mallory.received.find((s) => s.is('message') && s.attrs['type'] === 'groupchat' && s.getChild('signal', NS_SIGNAL)?.text().includes(inviteID) === true)
    return message?.getChild('origin-id', NS_SID)?.attrs['id'] ?? message?.attrs['id']
  }

  beforeAll(async () => {
    stage = await Stage.open(['alice', 'bob', 'carol', 'mallory'])
    const [alice, bob, carol] = [await stage.party('alice', 'phone'), await stage.party('bob', 'phone'), await stage.party('carol', 'phone')]
    live.push(alice, bob, carol)
    await alice.transport.createGroup(GROUP, ['bob', 'carol', 'mallory'])
    // Mallory sits in the room under the nickname of alice's laptop, which is offline and will
    // catch up from the archive later: the nickname must not make her alice there either.
    mallory = await RawClient.login(stage.naming.toServer('mallory'), 'raw')
    const nick = `${stage.naming.toServer('alice')}/laptop`
    await mallory.enterRoom(roomJid(), nick)

    for (const target of TARGETS) invitations.set(target, await alice.signaling.inviteInGroup(GROUP, ['bob', 'carol'], `real ${target}`, { timeout: TIMEOUT }))
    await until(() => [bob, carol].every((p) => TARGETS.every((t) => p.heardOf('onReceiveNewInvitation', invitations.get(t)!).length === 1)), 'bob and carol to ring')
    await until(() => inviteMessageID(invitations.get('modify')!) !== undefined, 'mallory to see the invite she will correct')

    const id = (t: Target): string => invitations.get(t)!
    const forgeries: Forgery[] = [
      { actionType: 1, inviteID: forgedInviteID, claims: 'alice', inviteeList: ['bob', 'carol'], data: 'forged invite' },
      { actionType: 2, inviteID: id('cancel'), claims: 'alice', inviteeList: ['bob', 'carol'], data: 'forged cancel' },
      { actionType: 3, inviteID: id('accept'), claims: 'bob', inviteeList: ['bob'], data: 'forged accept' },
      { actionType: 4, inviteID: id('reject'), claims: 'bob', inviteeList: ['bob'], data: 'forged reject' },
      { actionType: 5, inviteID: id('timeout'), claims: 'bob', inviteeList: ['bob'], data: 'real timeout' },
      { actionType: 1, inviteID: id('modify'), claims: 'alice', inviteeList: ['bob', 'carol'], data: 'forged modification', replaces: inviteMessageID(id('modify'))! },
    ]
    const sent = forgeries.map(forge)
    for (const stanza of sent) await mallory.send(stanza)
    // The room reflects each message to its sender too: once mallory has all of hers, so has everyone in the room.
    const reflected = (stanza: Element): boolean => mallory.received.some((s) => s.is('message') && s.attrs['id'] === stanza.attrs['id'])
    await until(() => sent.every(reflected), 'the room to relay every forged message')
    await mallory.leaveRoom(roomJid(), nick)

    // Honest traffic after the attack, live and in the archive: a modification, an accept, a reject, a cancel.
    honestID = await alice.signaling.inviteInGroup(GROUP, ['bob', 'carol'], 'honest v1', { timeout: TIMEOUT })
    cancelledID = await alice.signaling.inviteInGroup(GROUP, ['bob', 'carol'], 'to be cancelled', { timeout: TIMEOUT })
    await until(() => [bob, carol].every((p) => p.heardOf('onReceiveNewInvitation', honestID).length === 1 && p.heardOf('onReceiveNewInvitation', cancelledID).length === 1), 'the honest invites to ring')
    await alice.signaling.modifyInvitation(honestID, 'honest v2')
    await until(() => [bob, carol].every((p) => p.heardOf('onInvitationModified', honestID).length === 1), 'the honest modification')
    await bob.signaling.accept(honestID, 'bob says yes')
    await carol.signaling.reject(honestID, 'carol says no')
    await alice.signaling.cancel(cancelledID, 'never mind')
    await until(() => live.every((p) => p.outcome(honestID)?.active === false && p.outcome(cancelledID)?.active === false), 'the honest invitations to end on every live device')

    // Devices that were not there catch up from the room's archive.
    archived.push(await stage.party('alice', 'laptop'), await stage.party('bob', 'tablet'), await stage.party('carol', 'tablet'))
    await sleep(300) // anything still in flight lands now
  }, 90_000)

  afterAll(async () => {
    await mallory?.stop()
    await stage?.close()
  })

  const everyDevice = (): Party[] => [...live, ...archived]

  it('a forged invite in alice’s name rings nowhere and is known nowhere', ({ expect }) => {
    for (const p of everyDevice()) {
      expect(p.heard.filter((h) => h.inviteID === forgedInviteID), p.label).toEqual([])
      expect(p.signaling.getInvitation(forgedInviteID), p.label).toBeUndefined()
    }
  })

  it.for(TARGETS)('a forged %s changes nothing on any device, live or caught up from the archive', (target, { expect }) => {
    const inviteID = invitations.get(target)!
    const untouched = {
      active: true,
      invitees: [
        { userID: 'bob', state: 'pending', data: '', deviceID: '' },
        { userID: 'carol', state: 'pending', data: '', deviceID: '' },
      ],
    }
    for (const p of everyDevice()) {
      expect(p.outcome(inviteID), p.label).toEqual(untouched)
      expect(p.signaling.getInvitation(inviteID)?.data, p.label).toBe(`real ${target}`)
      expect(p.heard.filter((h) => h.inviteID === inviteID && h.event !== 'onReceiveNewInvitation'), p.label).toEqual([])
    }
  })

  it('honest group traffic still reaches live and caught-up devices alike', ({ expect }) => {
    const honest = {
      active: false,
      invitees: [
        { userID: 'bob', state: 'accepted', data: 'bob says yes', deviceID: 'phone' },
        { userID: 'carol', state: 'rejected', data: 'carol says no', deviceID: 'phone' },
      ],
    }
    const cancelled = {
      active: false,
      invitees: [
        { userID: 'bob', state: 'cancelled', data: 'never mind', deviceID: 'phone' },
        { userID: 'carol', state: 'cancelled', data: 'never mind', deviceID: 'phone' },
      ],
    }
    for (const p of everyDevice()) {
      expect(p.outcome(honestID), p.label).toEqual(honest)
      expect(p.signaling.getInvitation(honestID)?.data, p.label).toBe('honest v2')
      expect(p.outcome(cancelledID), p.label).toEqual(cancelled)
    }
  })
})
