import { describe, expect, it } from 'vitest'
import { createSignaling, type ImTransport } from '@beckon/core'
import { XmppTransport } from '../src/index.js'

const options = { service: 'xmpp://127.0.0.1:1', domain: 'example.org', userID: 'host', password: 'secret' }

describe('the server’s stanza size limit', () => {
  it('is declared to the facade as maxPayloadBytes when the app names it, and left to beckon’s own cap when not', () => {
    // A server closes the stream of a client that sends a stanza over its limit (Prosody's default
    // is 256 KiB); declared, the facade refuses such a command with 6017 naming the limit instead.
    const limited: ImTransport = new XmppTransport({ ...options, maxPayloadBytes: 200_000 })
    expect(limited.maxPayloadBytes).toBe(200_000)
    expect(new XmppTransport(options).maxPayloadBytes).toBeUndefined()
    createSignaling({ transport: limited }).close()
  })
})
