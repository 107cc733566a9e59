/**
 * Faults against the real Prosody: a dropped TCP connection, and the server restarting — also
 * while an invitation rings, with the whole signaling stack on top. Nothing the server accepted
 * may be lost, and every device reports `connected` again once it has caught up.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { XmppTransport } from '@beckon/adapter-im'
import { createSignaling, type IncomingMessage, type Signaling } from '@beckon/core'
import { connected, device, restartServer, uniqueName, until, xmppEnabled } from './support.js'

const STORED = { onlineUserOnly: false } as const

describe.skipIf(!xmppEnabled)('XmppTransport faults on Prosody', () => {
  const open: XmppTransport[] = []
  const signalings: Signaling[] = []
  const online = async (userID: string, deviceID?: string): Promise<{ transport: XmppTransport; got: IncomingMessage[]; states: string[] }> => {
    const transport = device(userID, deviceID, { reconnectDelayMs: 100 })
    open.push(transport)
    const got: IncomingMessage[] = []
    const states: string[] = []
    transport.onMessage((message) => got.push(message))
    transport.onConnectionChange((state) => states.push(state))
    await connected(transport)
    return { transport, got, states }
  }
  const count = (got: readonly IncomingMessage[], payload: string): number => got.filter((m) => m.payload === payload).length

  afterEach(async () => {
    for (const signaling of signalings.splice(0)) signaling.close()
    await Promise.all(open.splice(0).map((t) => t.disconnect()))
  })

  it('reconnects after a dropped connection and delivers what was sent meanwhile, once', async () => {
    const alice = await online('alice')
    const bob = await online('bob')
    bob.transport.dropConnection()
    await until(() => bob.transport.connectionState !== 'connected', 'bob to notice the drop')
    const payloads = [uniqueName('during-drop-1'), uniqueName('during-drop-2')]
    for (const payload of payloads) await alice.transport.send({ kind: 'user', userID: 'bob' }, payload, STORED)
    await connected(bob.transport)
    await until(() => payloads.every((p) => count(bob.got, p) > 0), 'both messages')
    for (const payload of payloads) expect(count(bob.got, payload)).toBe(1)
    expect(bob.states).toEqual(['connecting', 'connected', 'connecting', 'connected'])
  })

  it('survives a server restart: reconnects, rejoins its rooms, loses nothing the server took', async () => {
    const alice = await online('alice')
    const bob = await online('bob')
    const groupID = uniqueName('restart')
    await alice.transport.createGroup(groupID, ['bob'])
    const before = uniqueName('before-restart')
    await alice.transport.send({ kind: 'group', groupID }, before, STORED)
    await until(() => count(bob.got, before) === 1, 'the group message before the restart')

    await restartServer(300)
    await until(() => alice.states.includes('connecting') && bob.states.includes('connecting'), 'both to notice the restart')
    await connected(alice.transport, 20_000)
    const [direct, group] = [uniqueName('after-restart-direct'), uniqueName('after-restart-group')]
    await alice.transport.send({ kind: 'user', userID: 'bob' }, direct, STORED)
    await alice.transport.send({ kind: 'group', groupID }, group, STORED)
    await connected(bob.transport, 20_000)
    await until(() => count(bob.got, direct) === 1 && count(bob.got, group) === 1, 'both messages after the restart')
    expect(count(bob.got, before)).toBe(1)
    expect([...(await bob.transport.getGroupMembers(groupID))].sort()).toEqual(['alice', 'bob'])
    await alice.transport.dismissGroup(groupID)
  })

  it('keeps an invitation that rings across a server restart: the invitee accepts afterwards', async () => {
    const alice = await online('alice')
    const bob = await online('bob')
    const inviter = createSignaling({ transport: alice.transport })
    const invitee = createSignaling({ transport: bob.transport })
    signalings.push(inviter, invitee)
    const rang: string[] = []
    const accepted: string[] = []
    invitee.addSignalingListener({ onReceiveNewInvitation: (inviteID) => rang.push(inviteID) })
    inviter.addSignalingListener({ onInviteeAccepted: (inviteID, who) => accepted.push(`${inviteID}:${who}`) })

    const inviteID = await inviter.invite('bob', JSON.stringify({ room: uniqueName('call') }), { timeout: 60 })
    await until(() => rang.includes(inviteID), 'bob’s phone to ring')
    await restartServer(300)
    await until(() => bob.states.includes('connecting'), 'bob to notice the restart')
    await connected(bob.transport, 20_000)
    await invitee.accept(inviteID, 'on my way')
    await until(() => accepted.includes(`${inviteID}:bob`), 'alice to learn bob accepted', 20_000)
    expect(inviter.getInvitation(inviteID)?.invitees).toEqual([expect.objectContaining({ userID: 'bob', state: 'accepted' })])
  })
})
