// A CommonJS consumer of the installed tarballs. The packages are ES modules only: require()
// loads them through Node's require(esm), on by default from Node 20.19 (the packages' engines).
/* eslint-disable @typescript-eslint/no-require-imports -- this file is a CommonJS app on purpose */
const { createSignaling, SignalingError } = require('@beckon/core')
const { MemoryIm } = require('@beckon/adapter-memory')
const { connectXmpp } = require('@beckon/adapter-im')
const { version } = require('@beckon/core/package.json')

const main = async () => {
  const im = new MemoryIm()
  const alice = createSignaling({ transport: im.connect('alice') })
  const bob = createSignaling({ transport: im.connect('bob') })
  bob.addSignalingListener({ onReceiveNewInvitation: (inviteID) => void bob.reject(inviteID, 'busy') })
  const rejected = new Promise((resolve) => alice.addSignalingListener({ onInviteeRejected: (_id, invitee, data) => resolve(`${invitee}:${data}`) }))
  await alice.invite('bob', '{}')
  await im.settle()
  const answer = await rejected
  if (answer !== 'bob:busy' || typeof SignalingError !== 'function' || typeof connectXmpp !== 'function') {
    throw new Error(`CommonJS consumer: unexpected ${JSON.stringify({ answer })}`)
  }
  console.log(`CommonJS require: @beckon/core ${version}, invite answered (${answer})`)
}
main().catch((error) => {
  console.error(error)
  process.exit(1)
})
