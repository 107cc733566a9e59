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
import { afterEach, describe, it } from 'vitest'
import { createSignaling } from '@beckon/core'
import { RenamedTransport, whenConnected } from '../../examples/xmpp.js'
import { Relay } from './relay.js'
import { Stage } from './stage.js'
import { device, server, until, xmppEnabled } from './support.js'

describe.skipIf(!xmppEnabled || server.kind !== 'prosody')('a member device whose catch-up fails while it joins a room', () => {
  const unhandled: unknown[] = []
  const record = (reason: unknown): void => void unhandled.push(reason)
  let stage: Stage | undefined
  let relay: Relay | undefined

  afterEach(async () => {
    process.off('unhandledRejection', record)
    await stage?.close()
    await relay?.close()
  })

  it('starts over, joins the room cleanly on the next session and rings once for the invitation in its archive', async ({ expect }) => {
    process.on('unhandledRejection', record)
    const cast = (stage = await Stage.open(['alice', 'bob']))
    const alice = await cast.party('alice')
    await alice.transport.createGroup('team', ['bob'])
    const inviteID = await alice.signaling.inviteInGroup('team', ['bob'], 'standup', { timeout: 120 })

    const hop = (relay = await Relay.to(server.ports[0]!))
    const room = `${cast.group('team')}@${server.mucDomain}`
    hop.drop(new RegExp(`<iq type="set" to="${room}"[^>]*><query xmlns="urn:xmpp:mam:2"[\\s\\S]*?</iq>`), 1)
    const errors: unknown[] = []
    const states: string[] = []
    const xmpp = device(cast.naming.toServer('bob'), 'phone', { service: `xmpp://127.0.0.1:${hop.port}`, reconnectDelayMs: 100, onError: (error) => errors.push(error) })
    const bob = new RenamedTransport(xmpp, cast.naming)
    bob.onConnectionChange((state) => states.push(state))
    const signaling = createSignaling({ transport: bob })
    const rings: string[] = []
    signaling.addSignalingListener({ onReceiveNewInvitation: (id) => rings.push(id) })
    try {
      await whenConnected(bob, 60_000)
      await until(() => rings.length > 0, 'bob to ring', 10_000)
      // The first catch-up failed on the unanswered archive query, and the second one did not.
      expect(errors.map(String)).toContainEqual(expect.stringMatching(/no answer from the XMPP server/))
      expect(states.filter((s) => s === 'connected')).toHaveLength(1)
      expect(rings).toEqual([inviteID])
      expect(unhandled).toEqual([])
    } finally {
      signaling.close()
      await xmpp.disconnect()
    }
  }, 90_000)

  it('whose join goes unanswered starts over instead of reporting connected without the room', async ({ expect }) => {
    process.on('unhandledRejection', record)
    const cast = (stage = await Stage.open(['alice', 'bob']))
    const alice = await cast.party('alice')
    await alice.transport.createGroup('team', ['bob'])
    const inviteID = await alice.signaling.inviteInGroup('team', ['bob'], 'standup', { timeout: 120 })

    const hop = (relay = await Relay.to(server.ports[0]!))
    const room = `${cast.group('team')}@${server.mucDomain}`
    hop.drop(new RegExp(`<presence to="${room}/[^"]*"><x xmlns="http://jabber.org/protocol/muc">[\\s\\S]*?</presence>`), 1)
    const xmpp = device(cast.naming.toServer('bob'), 'phone', { service: `xmpp://127.0.0.1:${hop.port}`, reconnectDelayMs: 100, onError: () => undefined })
    const bob = new RenamedTransport(xmpp, cast.naming)
    const signaling = createSignaling({ transport: bob })
    const rings: string[] = []
    signaling.addSignalingListener({ onReceiveNewInvitation: (id) => rings.push(id) })
    try {
      await whenConnected(bob, 60_000)
      await until(() => rings.length > 0, 'bob to ring', 10_000)
      expect(rings).toEqual([inviteID])
      expect(unhandled).toEqual([])
    } finally {
      signaling.close()
      await xmpp.disconnect()
    }
  }, 90_000)
})
