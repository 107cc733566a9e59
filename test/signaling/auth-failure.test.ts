/**
 * A transport that fails an operation because the server refused the user's credentials (over
 * XMPP: a password changed while a send waited through a reconnection) fails the facade's call with
 * `AuthenticationFailed` (8017), not with the catch-all 8015.
 */
import { describe, expect, it } from 'vitest'
import { MemoryIm } from '@beckon/adapter-memory'
import { createSignaling, SignalingError, TransportError } from '@beckon/core'

describe('a refused login at the facade', () => {
  it('fails the call with 8017 AuthenticationFailed, carrying the transport’s message', async () => {
    const im = new MemoryIm()
    const transport = im.connect('alice')
    im.connect('bob')
    await im.settle()
    transport.send = () => Promise.reject(new TransportError('AuthenticationFailed', 'the XMPP server refused to log in alice@example.org'))
    const alice = createSignaling({ transport })
    const invite = alice.invite('bob', 'x')
    await im.settle()
    const failed = await invite.then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(failed).toBeInstanceOf(SignalingError)
    expect(failed).toMatchObject({ code: 8017, reason: 'AuthenticationFailed', message: expect.stringContaining('refused to log in alice@example.org') })
  })
})
