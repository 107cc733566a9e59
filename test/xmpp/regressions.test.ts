/**
 * Behaviour found while running the seed scenarios and the bench over Prosody that contradicts
 * the SPEC; each test is the smallest reproduction and fails until the library is fixed.
 *
 * 1. FINDING (core facade): a callback about an invitation can reach the inviter before its
 * `invite()` promise has resolved, i.e. before the app knows the invitation's id.
 *
 * Scenario: alice invites bob; bob's app rejects at once when it rings (the call example's busy
 * callee does exactly this). Over XMPP bob's reject reaches alice right behind the server's
 * confirmation of her invite (the answer to the time query the adapter sends behind each message),
 * and the engine notifies `onInviteeRejected(inviteID, 'bob')` as soon as the reject is read —
 * sometimes before the confirmation has made its way through the promise chain that settles
 * `invite()`, so her `await signaling.invite(...)` is still pending.
 *
 * Expected: every callback about an invitation reaches its inviter after `invite()` has resolved
 * with that id (the app cannot attribute a callback for an id it has not been given; Tencent's
 * `invite` returns the id synchronously, so this cannot happen there).
 * Observed: on loopback Prosody, about 1 invitation in 10 is answered "too early"; the call
 * example then ignores the reject and alice's app stays `calling` (seen in the busy scenario).
 *
 * Where: the facade carries out the engine's `notify` effects at once (packages/core/src/facade/
 * shell.ts `perform`, listeners.ts `deliverNotification`), also for an invitation whose own invite
 * send is not yet `send.taken`.
 * Suggested fix: hold an inviter's notifications about an invitation until its invite command is
 * settled (as receivers already hold callbacks until the ring decision), and deliver them after
 * the app's continuation, e.g. `commandPromise.then(() => deliver(n))`; an answer proves the
 * server took the invite, so the engine may also settle the command on it.
 *
 * 2. FINDING (adapter-im catch-up, and the engine's echo rule): a device that comes back in a new
 * process under the same `deviceID`, without `restore`, rings again for an invitation it already
 * answered, and may answer it a second time.
 *
 * Scenario: bob's phone (deviceID `phone`) rejects alice's invite (timeout 60 s); the app
 * restarts (signaling closed, transport disconnected, a new transport and `createSignaling` with
 * the same deviceID, no snapshot). Its catch-up reads the archive, which holds alice's invite and
 * bob's own reject.
 * Expected: the phone knows bob rejected (as bob's tablet, a new deviceID, does: it reports
 * `onInviteeRejected(me)` and shows the invitation ended); it does not ring.
 * Observed: the phone rings (`onReceiveNewInvitation`) and shows bob `pending`; an accept from
 * it now would outrank the reject everywhere (accept ranks above reject).
 * Where: packages/adapter-im/src/inbound.ts marks archived copies sent from this resource as
 * `own`, and inbox.ts `#deliver` drops `own` messages, although this process never sent them;
 * the engine's `isOwn` (receive.ts) likewise drops an invite echoed from this device as a
 * duplicate.
 * Suggested fix: drop only echoes of messages this process sent (the adapter's `#sent` record),
 * deliver older ones like a sibling's (`fromMyOtherDevice`), and let the engine adopt an unknown
 * invite "from this device" as its own (silent, inviter timers armed).
 */
import { describe, it } from 'vitest'
import { Stage } from './stage.js'
import { sleep, until, xmppEnabled } from './support.js'

describe.skipIf(!xmppEnabled)('regressions over XMPP', () => {
  it('an instant reject never reaches the inviter before its invite() resolved', async ({ expect }) => {
    const stage = await Stage.open(['alice', 'bob'])
    try {
      const [alice, bob] = [await stage.party('alice'), await stage.party('bob')]
      bob.signaling.addSignalingListener({ onReceiveNewInvitation: (id) => void bob.signaling.reject(id, 'line_busy') })
      const known = new Set<string>()
      const early: string[] = []
      alice.signaling.addSignalingListener({ onInviteeRejected: (id) => (known.has(id) ? undefined : early.push(id)) })
      for (let i = 0; i < 300 && early.length === 0; i++) {
        const inviteID = await alice.signaling.invite('bob', 'call', { timeout: 5 })
        known.add(inviteID)
        await until(() => alice.heardOf('onInviteeRejected', inviteID).length > 0, 'bob’s reject')
      }
      expect(early).toEqual([])
    } finally {
      await stage.close()
    }
  })

  it('a device restarted without a snapshot under the same deviceID does not ring again for what it answered', async ({ expect }) => {
    const stage = await Stage.open(['alice', 'bob'])
    try {
      const [alice, phone] = [await stage.party('alice'), await stage.party('bob', 'phone')]
      const inviteID = await alice.signaling.invite('bob', 'call', { timeout: 60 })
      await until(() => phone.heardOf('onReceiveNewInvitation', inviteID).length === 1, 'the phone to ring')
      await phone.signaling.reject(inviteID, 'not now')
      await until(() => alice.heardOf('onInviteeRejected', inviteID).length === 1, 'alice to learn bob rejected')
      phone.signaling.close()
      await phone.device.disconnect()

      const [restarted, tablet] = [await stage.party('bob', 'phone'), await stage.party('bob', 'tablet')]
      await sleep(300)
      const rejected = { active: false, invitees: [{ userID: 'bob', state: 'rejected', data: 'not now', deviceID: 'phone' }] }
      expect(tablet.outcome(inviteID)).toEqual(rejected) // a new deviceID learns it from the archive
      expect(restarted.heardOf('onReceiveNewInvitation', inviteID)).toEqual([])
      expect(restarted.outcome(inviteID)).toEqual(rejected)
    } finally {
      await stage.close()
    }
  })
})
