import { describe } from 'vitest'
import { describeTransportContract } from '../contract/transport-contract.js'
import { prosodyWorld, server, xmppEnabled } from './support.js'

describe.skipIf(!xmppEnabled)(`XMPP adapter on ${server.kind}`, () => {
  describeTransportContract(`XmppTransport on ${server.kind}`, { setup: async () => prosodyWorld(), timeoutMs: 10_000 })
})
