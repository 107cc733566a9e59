/**
 * A login the busy server never answered, against the real Prosody. In the 10,000-member run
 * Prosody closed dozens of member devices' streams as not well-formed: right after a successful
 * login the device wrote the stream header twice. An earlier attempt had sent its credentials and
 * given up waiting; `@xmpp/client` kept listening for that attempt's answer, so the next
 * attempt's `<success/>` completed both, and each restarted the stream.
 *
 * Here the relay cuts the first attempt's credentials out of what the device sends: that attempt
 * must give up in time (a first login used to wait for its answer forever), the next must log in
 * with one stream header, the server must have no reason to close the stream, and nothing may be
 * thrown unhandled.
 *
 * @module
 */
import { describe, it } from 'vitest'
import { relayedStages } from './relayed.js'
import { connected, server, sleep, until, xmppEnabled } from './support.js'

describe.skipIf(!xmppEnabled || server.kind !== 'prosody')('a login the server never answered', () => {
  const stages = relayedStages()

  it('is followed by an attempt that restarts the stream once, which the server takes', async ({ expect }) => {
    const { hop, device } = await stages.open(['bob'])
    hop.drop(/<auth [^>]*>[^<]*<\/auth>/, 1)
    const errors: unknown[] = []
    const bob = device('bob', (error) => errors.push(error))
    try {
      await connected(bob, 80_000)
      expect(errors.filter((e) => e instanceof Error && e.name === 'StreamError').map(String)).toEqual([])
      expect(stages.unhandled).toEqual([])
    } finally {
      await bob.disconnect()
    }
  }, 100_000)

  it('whose stream never opened leaves nothing to reject unhandled when a later stream is closed as not well-formed', async ({ expect }) => {
    const { cast, hop, device } = await stages.open(['bob'])
    // The server's answer to the first stream header comes only after the client gave up on it (15 s).
    hop.hold()
    const errors: unknown[] = []
    const states: string[] = []
    const bob = device('bob', (error) => errors.push(error))
    bob.onConnectionChange((state) => states.push(state))
    try {
      await sleep(17_000)
      hop.release()
      await connected(bob, 60_000)
      // The server reads `<message …` without the `>` that closes its start tag: not well-formed.
      hop.drop(/(?<=<message [^<>]*)>/, 1)
      await bob.send({ kind: 'user', userID: cast.naming.toServer('bob') }, '{}', { onlineUserOnly: false }).catch(() => undefined)
      await until(() => errors.some((e) => e instanceof Error && e.name === 'StreamError'), 'the stream error', 30_000)
      await until(() => states.lastIndexOf('connecting') > states.indexOf('connected') && bob.connectionState === 'connected', 'bob to reconnect', 60_000)
      await sleep(500)
      expect(stages.unhandled.map(String)).toEqual([])
    } finally {
      await bob.disconnect()
    }
  }, 150_000)
})
