import { describe, expect, it } from 'vitest'
import { connectXmpp, XmppTransport } from '../src/index.js'

const options = { domain: 'localhost', userID: 'alice', password: 'secret' }

describe('the service option', () => {
  it('refuses, when the transport is made, a URL no XMPP client can open, naming the option and what it takes', () => {
    expect(() => new XmppTransport({ ...options, service: 'http://127.0.0.1:5280' })).toThrow(/option 'service' has the unsupported scheme http:.*xmpp:\/\/host\[:port\].*got "http:\/\/127\.0\.0\.1:5280"/)
    expect(() => connectXmpp({ ...options, service: 'localhost:5222' })).toThrow(TypeError)
    expect(() => connectXmpp({ ...options, service: 'xmpp://' })).toThrow(/option 'service' names no host/)
    expect(() => connectXmpp({ ...options, service: 'not a url' })).toThrow(/option 'service' is not a URL/)
    expect(() => connectXmpp({ ...options, service: '' })).toThrow(/option 'service' is missing/)
  })

  it('takes TCP and TLS URLs (a transport that is never connected opens nothing)', () => {
    expect(new XmppTransport({ ...options, service: 'xmpp://127.0.0.1:5222' }).connectionState).toBe('disconnected')
    expect(new XmppTransport({ ...options, service: 'xmpps://chat.example.org' }).connectionState).toBe('disconnected')
  })
})
