/**
 * Text XML cannot carry, against the real Prosody. A control character or U+FFFE / U+FFFF written
 * into the stream makes the server's parser reject the whole stream (`<not-well-formed/>`), which
 * closes the connection and fails everything else in flight on it. The XMPP transport refuses
 * such text before writing it, naming where it was; and a stream error the server sends anyway
 * is reported through `onError`, followed by a reconnection, never thrown unhandled.
 *
 * @module
 */
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest'
import { SignalingError, TransportError } from '@beckon/core'
import { Relay } from './relay.js'
import { Stage } from './stage.js'
import { connected, device, server, sleep, until, xmppEnabled } from './support.js'

/** The code and message an operation failed with. */
const failure = async (operation: Promise<unknown>): Promise<{ code?: number; message: string } | undefined> => {
  try {
    await operation
    return undefined
  } catch (error) {
    return { ...(error instanceof SignalingError ? { code: error.code } : {}), message: error instanceof Error ? error.message : String(error) }
  }
}

describe.skipIf(!xmppEnabled)('text XML cannot carry, over XMPP', () => {
  const unhandled: unknown[] = []
  const record = (reason: unknown): void => void unhandled.push(reason)
  let stage: Stage | undefined

  beforeAll(() => void process.on('unhandledRejection', record))
  afterAll(() => void process.off('unhandledRejection', record))
  afterEach(async () => {
    await stage?.close()
    stage = undefined
    unhandled.length = 0
  })

  it('an invitation whose data holds U+FFFF fails with 8015 naming data, and the connection stays up for the next one', async ({ expect }) => {
    const cast = (stage = await Stage.open(['alice', 'bob']))
    const alice = await cast.party('alice')
    const bob = await cast.party('bob')
    const before = alice.states.length

    const refused = await failure(alice.signaling.invite('bob', 'ring \uFFFF', { timeout: 30 }))
    expect(refused?.code).toBe(8015)
    expect(refused?.message).toMatch(/^.*\bdata in the signaling message holds U\+FFFF, which XMPP cannot carry/)

    const inviteID = await alice.signaling.invite('bob', 'ring', { timeout: 30 })
    await until(() => bob.heard.some((h) => h.event === 'onReceiveNewInvitation' && h.inviteID === inviteID), 'bob to ring')
    expect(alice.states.slice(before)).toEqual([])
    expect(bob.heard.filter((h) => h.event === 'onReceiveNewInvitation')).toHaveLength(1)
    expect(unhandled).toEqual([])
  })

  it('an invitee whose userID holds a control character fails naming userID, and the connection stays up', async ({ expect }) => {
    const cast = (stage = await Stage.open(['alice', 'bob']))
    const alice = await cast.party('alice')
    const before = alice.states.length

    const refused = await failure(alice.signaling.invite('bo\u0001b', 'ring', { timeout: 30 }))
    expect(refused?.code).toBe(8015)
    expect(refused?.message).toMatch(/userID "bo\\u0001b.*" holds U\+0001, which XMPP cannot carry/)
    await sleep(500)
    expect(alice.states.slice(before)).toEqual([])
    expect(unhandled).toEqual([])
  })

  it('a groupID with a control character is refused naming groupID, and the connection stays up', async ({ expect }) => {
    const cast = (stage = await Stage.open(['alice', 'bob']))
    const alice = await cast.party('alice')
    const before = alice.states.length

    const refused = await failure(alice.transport.createGroup('team\u001b', ['bob']))
    expect(refused?.message).toMatch(/groupID "team\\u001b.*" holds U\+001B, which XMPP cannot carry/)
    await sleep(500)
    expect(alice.states.slice(before)).toEqual([])
    expect(unhandled).toEqual([])
  })

  it('a device whose deviceID holds a control character is refused at once instead of trying to log in forever', async ({ expect }) => {
    let refusal: unknown
    try {
      await device('alice', 'phone\u0007').disconnect()
    } catch (error) {
      refusal = error
    }
    expect(refusal).toBeInstanceOf(TransportError)
  })

  it('a stream the server closes as not well-formed is reported through onError, the device reconnects, and nothing is thrown unhandled', async ({ expect }) => {
    const cast = (stage = await Stage.open(['alice', 'bob']))
    const relay = await Relay.to(server.ports[0]!)
    try {
      const errors: unknown[] = []
      const states: string[] = []
      const alice = device(cast.naming.toServer('alice'), 'phone', { service: `xmpp://127.0.0.1:${relay.port}`, reconnectDelayMs: 100, onError: (error) => errors.push(error) })
      alice.onConnectionChange((state) => states.push(state))
      await connected(alice, 30_000)
      // The server reads `<message …` without the `>` that closes its start tag: not well-formed.
      relay.drop(/(?<=<message [^<>]*)>/, 1)
      const sent = await failure(alice.send({ kind: 'user', userID: cast.naming.toServer('bob') }, '{}', { onlineUserOnly: false }))
      await until(() => states.includes('connecting') && alice.connectionState === 'connected', 'alice to reconnect', 30_000)
      expect(errors.some((e) => e instanceof Error && e.name === 'StreamError' && (e as { condition?: string }).condition === 'not-well-formed')).toBe(true)
      // Either the resumed session resent it, or the send failed as a send on a dropped session does.
      if (sent !== undefined) expect(sent.message).toMatch(/connection|session/)
      expect(unhandled).toEqual([])
      await alice.disconnect()
    } finally {
      await relay.close()
    }
  })
})
