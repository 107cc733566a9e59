/**
 * The browser bundle's entry: core + adapter-memory as a web app would use them. The bundle is
 * also run once, so a module that tree-shaking dropped (a wrong `sideEffects`) shows as a failure.
 */
import { createSignaling } from '@beckon/core'
import { MemoryIm } from '@beckon/adapter-memory'

const im = new MemoryIm()
const alice = createSignaling({ transport: im.connect('alice') })
const bob = createSignaling({ transport: im.connect('bob') })
bob.addSignalingListener({ onReceiveNewInvitation: (inviteID) => void bob.accept(inviteID) })
const accepted = new Promise<string>((resolve) => alice.addSignalingListener({ onInviteeAccepted: (_id, invitee) => resolve(invitee) }))
await alice.invite('bob', JSON.stringify({ room_id: 42 }))
await im.settle()
console.log(`bundle ran: invite accepted by ${await accepted}`)
