/**
 * The receiving device of the latency bench (`latency.ts`), in a process of its own, as a second
 * device is: its transport and signaling instance never share an event loop with the sender's, so
 * nothing the sender does after sending (reading the server's confirmation, its engine's
 * bookkeeping of the send) can delay this device's reading of the message.
 *
 * It connects as `userID` to the bench's server (`BECKON_LATENCY_PEER`: the server's settings and
 * the user, as JSON), then tells its parent over IPC when each message arrives, on the monotonic
 * clock both processes share (`monotonicMs`):
 * - `raw`: a raw message (its payload starts `raw <key> `) reached `onMessage` (the first listener);
 * - `ring`: an invite rang (`onReceiveNewInvitation`), with when it reached `onMessage`; the
 *   invitee then rejects it, and says `rejected` once the server has confirmed the reject.
 *
 * @module
 */
import { connectXmpp } from '@beckon/adapter-im'
import { createSignaling } from '@beckon/core'
import { TEST_PASSWORD } from '../../scripts/prosody/server.js'
import { monotonicMs, type PeerReport, type PeerSetup } from './latencyReceivers.js'
import { allConnected } from './server.js'

const report = (message: PeerReport): void => void process.send?.(message)

const main = async (): Promise<void> => {
  const setup = JSON.parse(process.env['BECKON_LATENCY_PEER'] ?? '') as PeerSetup
  const transport = connectXmpp({ service: `xmpp://127.0.0.1:${setup.port}`, domain: setup.domain, userID: setup.userID, password: TEST_PASSWORD, deviceID: 'bench' })
  let arrivedAt = 0
  transport.onMessage((m) => {
    const at = monotonicMs()
    if (m.payload.startsWith('raw ')) report({ type: 'raw', key: m.payload.slice(4, m.payload.indexOf(' ', 4)), at })
    else arrivedAt = at
  })
  const invitee = createSignaling({ transport })
  invitee.addSignalingListener({
    onReceiveNewInvitation: (inviteID, _inviter, _group, _list, data) => {
      report({ type: 'ring', key: data, at: monotonicMs(), arrivedAt, inviteID })
      invitee.reject(inviteID).then(
        () => report({ type: 'rejected', inviteID }),
        (error: unknown) => report({ type: 'failed', error: String(error) }),
      )
    },
  })
  process.once('disconnect', () => {
    invitee.close()
    void transport.disconnect().finally(() => process.exit(0))
  })
  await allConnected([transport])
  report({ type: 'ready' })
}

main().catch((error: unknown) => {
  report({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) })
  process.exit(1)
})
