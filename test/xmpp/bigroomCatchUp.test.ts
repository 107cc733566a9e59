/**
 * A member device whose first catch-up fails half-way through joining a room it was invited to,
 * against the real Prosody. In the 10,000-member run a room's archive query went unanswered for
 * 10 s on the busy server: the catch-up gave up and dropped the connection to start over, with
 * the room it was joining already registered. The server kept the dropped session (XEP-0198),
 * and every resumption of it failed its catch-up again at once: the device reconnected again and
 * again and never rang.
 *
 * Here the relay cuts the room's archive query out of what the device sends, once: the catch-up
 * must start over and end with the device in the room, ringing once for the invitation waiting
 * in the room's archive.
 *
 * @module
 */
import { describe, it, type ExpectStatic } from 'vitest'
import { createSignaling, type Signaling } from '@beckon/core'
import type { XmppTransport } from '@beckon/adapter-im'
import { RenamedTransport, whenConnected } from '../../examples/xmpp.js'
import { relayedStages, type Relayed } from './relayed.js'
import { server, until, xmppEnabled } from './support.js'

/** Alice's room `team` with bob in it, and her invitation to it, which bob has yet to see. */
const teamInvite = async ({ cast }: Relayed): Promise<{ inviteID: string; room: string }> => {
  const alice = await cast.party('alice')
  await alice.transport.createGroup('team', ['bob'])
  const inviteID = await alice.signaling.inviteInGroup('team', ['bob'], 'standup', { timeout: 120 })
  return { inviteID, room: `${cast.group('team')}@${server.mucDomain}` }
}

/** Bob's phone through the relay, with its signaling and the invitations it rang for. */
interface Phone {
  readonly xmpp: XmppTransport
  readonly bob: RenamedTransport
  readonly signaling: Signaling
  readonly rings: string[]
}

const bobsPhone = (relayed: Relayed, onError: (error: unknown) => void): Phone => {
  const xmpp = relayed.device('bob', onError)
  const bob = new RenamedTransport(xmpp, relayed.cast.naming)
  const signaling = createSignaling({ transport: bob })
  const rings: string[] = []
  signaling.addSignalingListener({ onReceiveNewInvitation: (id) => rings.push(id) })
  return { xmpp, bob, signaling, rings }
}

/**
 * The phone connects and rings once, for `inviteID` alone, with nothing thrown unhandled; `checks`
 * asserts what else the test watched. The phone is closed either way.
 */
const expectOneRing = async (expect: ExpectStatic, phone: Phone, inviteID: string, unhandled: readonly unknown[], checks = (): void => undefined): Promise<void> => {
  try {
    await whenConnected(phone.bob, 60_000)
    await until(() => phone.rings.length > 0, 'bob to ring', 10_000)
    checks()
    expect(phone.rings).toEqual([inviteID])
    expect(unhandled).toEqual([])
  } finally {
    phone.signaling.close()
    await phone.xmpp.disconnect()
  }
}

describe.skipIf(!xmppEnabled || server.kind !== 'prosody')('a member device whose catch-up fails while it joins a room', () => {
  const stages = relayedStages()

  it('starts over, joins the room cleanly on the next session and rings once for the invitation in its archive', async ({ expect }) => {
    const relayed = await stages.open(['alice', 'bob'])
    const { inviteID, room } = await teamInvite(relayed)
    relayed.hop.drop(new RegExp(`<iq type="set" to="${room}"[^>]*><query xmlns="urn:xmpp:mam:2"[\\s\\S]*?</iq>`), 1)
    const errors: unknown[] = []
    const states: string[] = []
    const phone = bobsPhone(relayed, (error) => errors.push(error))
    phone.bob.onConnectionChange((state) => states.push(state))
    await expectOneRing(expect, phone, inviteID, stages.unhandled, () => {
      // The first catch-up failed on the unanswered archive query, and the second one did not.
      expect(errors.map(String)).toContainEqual(expect.stringMatching(/no answer from the XMPP server/))
      expect(states.filter((s) => s === 'connected')).toHaveLength(1)
    })
  }, 90_000)

  it('whose join goes unanswered starts over instead of reporting connected without the room', async ({ expect }) => {
    const relayed = await stages.open(['alice', 'bob'])
    const { inviteID, room } = await teamInvite(relayed)
    relayed.hop.drop(new RegExp(`<presence to="${room}/[^"]*"><x xmlns="http://jabber.org/protocol/muc">[\\s\\S]*?</presence>`), 1)
    await expectOneRing(expect, bobsPhone(relayed, () => undefined), inviteID, stages.unhandled)
  }, 90_000)
})
