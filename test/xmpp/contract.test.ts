import { describe } from 'vitest'
import { describeTransportContract } from '../contract/transport-contract.js'
import { prosodyWorld, xmppEnabled } from './support.js'

describe.skipIf(!xmppEnabled)('XMPP adapter on Prosody', () => {
  describeTransportContract('XmppTransport on Prosody', { setup: async () => prosodyWorld(), timeoutMs: 10_000 })
})
