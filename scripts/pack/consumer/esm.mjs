// An ES module consumer of the installed tarballs: a call accepted over the embedded IM, and the
// XMPP adapter's entry point loaded. Exits non-zero unless the inviter hears the answer.
import { createSignaling, SignalingError } from '@beckon/core'
import { MemoryIm } from '@beckon/adapter-memory'
import { connectXmpp } from '@beckon/adapter-im'
import corePackage from '@beckon/core/package.json' with { type: 'json' }

const im = new MemoryIm()
const alice = createSignaling({ transport: im.connect('alice') })
const bob = createSignaling({ transport: im.connect('bob') })
bob.addSignalingListener({ onReceiveNewInvitation: (inviteID) => void bob.accept(inviteID, 'ok') })
const accepted = new Promise((resolve) => alice.addSignalingListener({ onInviteeAccepted: (_id, invitee, data) => resolve(`${invitee}:${data}`) }))

await alice.invite('bob', JSON.stringify({ room_id: 42 }), { timeout: 30 })
await im.settle()
const answer = await accepted
const refused = await alice.invite('', 'x').catch((e) => e)
if (answer !== 'bob:ok' || !(refused instanceof SignalingError) || typeof connectXmpp !== 'function') {
  console.error('ESM consumer: unexpected', { answer, refused, connectXmpp: typeof connectXmpp })
  process.exit(1)
}
console.log(`ESM import: @beckon/core ${corePackage.version}, invite answered (${answer}), bad call refused with ${refused.code}`)
