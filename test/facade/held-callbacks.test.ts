/**
 * An answer can reach the inviter before the IM's receipt for the invite (over XMPP it often
 * does): the callbacks about that invitation wait until the app's `invite()` has resolved and the
 * app's own continuation of it has run, so the app never hears of an invitation whose id it does
 * not know yet.
 */
import { describe, expect, it } from 'vitest'
import { MemoryIm } from '@beckon/adapter-memory'
import { createSignaling, type SendReceipt } from '@beckon/core'

/** Alice's device, whose IM receipts wait until `releaseReceipts()`; bob rejects whatever rings. */
const receiptsHeldBack = async () => {
  const im = new MemoryIm()
  const transport = im.connect('alice')
  const send = transport.send.bind(transport)
  let releaseReceipts!: () => void
  const gate = new Promise<void>((resolve) => (releaseReceipts = resolve))
  transport.send = async (...args): Promise<SendReceipt> => {
    const receipt = await send(...args)
    await gate
    return receipt
  }
  const alice = createSignaling({ transport })
  const bob = createSignaling({ transport: im.connect('bob') })
  bob.addSignalingListener({ onReceiveNewInvitation: (inviteID) => void bob.reject(inviteID, 'busy') })
  await im.settle()
  return { im, alice, releaseReceipts }
}

describe('callbacks about an invitation whose invite() has not resolved', () => {
  it('wait for the app’s continuation of invite(), then arrive once', async () => {
    const { im, alice, releaseReceipts } = await receiptsHeldBack()
    const events: string[] = []
    alice.addSignalingListener({ onInviteeRejected: (inviteID, invitee, data) => void events.push(`rejected ${inviteID} by ${invitee}: ${data}`) })
    const invited = alice.invite('bob', 'call').then((inviteID) => {
      events.push(`invite() gave ${inviteID}`)
      return inviteID
    })
    await im.settle()
    // Bob's reject has reached alice's device before the receipt for her invite.
    expect(events).toEqual([])
    releaseReceipts()
    const inviteID = await invited
    await im.settle()
    expect(events).toEqual([`invite() gave ${inviteID}`, `rejected ${inviteID} by bob: busy`])
  })
})
