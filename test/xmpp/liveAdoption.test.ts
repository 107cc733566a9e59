/**
 * A connected device invited to a room while it is online joins the room at once (a live
 * adoption) and reads its archive for what was sent there meanwhile. When that join fails for a
 * passing reason — here the room's lookup goes unanswered, as on a busy server — the device must
 * try again while it stays connected: otherwise an invitation in that room does not ring until
 * the connection happens to drop and the next session's catch-up adopts the room.
 *
 * The relay cuts the device's first lookup of the room out of what it sends, against the real
 * Prosody.
 *
 * @module
 */
import { describe, it } from 'vitest'
import { createSignaling } from '@beckon/core'
import { RenamedTransport, whenConnected } from '../../examples/xmpp.js'
import { relayedStages } from './relayed.js'
import { server, until, xmppEnabled } from './support.js'

describe.skipIf(!xmppEnabled || server.kind !== 'prosody')('a device invited to a room while connected', () => {
  const stages = relayedStages()

  it('tries the join again when it failed, and rings for the invitation in the room without a reconnection', async ({ expect }) => {
    const relayed = await stages.open(['alice', 'bob'])
    const errors: unknown[] = []
    const xmpp = relayed.device('bob', (error) => errors.push(error))
    const bob = new RenamedTransport(xmpp, relayed.cast.naming)
    const signaling = createSignaling({ transport: bob })
    const rings: string[] = []
    signaling.addSignalingListener({ onReceiveNewInvitation: (id) => rings.push(id) })
    const states: string[] = []
    try {
      await whenConnected(bob, 30_000)
      bob.onConnectionChange((state) => states.push(state))
      const room = `${relayed.cast.group('team')}@${server.mucDomain}`
      relayed.hop.drop(new RegExp(`<iq type="get" to="${room}"[^>]*><query xmlns="http://jabber.org/protocol/disco#info"/></iq>`), 1)
      const alice = await relayed.cast.party('alice')
      await alice.transport.createGroup('team', ['bob'])
      const inviteID = await alice.signaling.inviteInGroup('team', ['bob'], 'standup', { timeout: 120 })
      await until(() => rings.length > 0, 'bob to ring', 30_000)
      // The first join failed on the unanswered lookup; the device stayed connected throughout.
      expect(errors.map(String)).toContainEqual(expect.stringMatching(/no answer from the XMPP server/))
      expect(states).toEqual([])
      expect(rings).toEqual([inviteID])
      expect(stages.unhandled).toEqual([])
    } finally {
      signaling.close()
      await xmpp.disconnect()
    }
  }, 60_000)
})
