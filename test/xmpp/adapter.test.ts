/**
 * What the XMPP adapter adds to the transport contract, against the real Prosody: archive
 * catch-up for a device whose sibling stayed online, online-only carbons, corrections in groups,
 * refusals, and how long logins and round trips take on loopback.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { XmppTransport } from '@beckon/adapter-im'
import { TransportError, type IncomingMessage } from '@beckon/core'
import { connected, device, sleep, uniqueName, until, xmppEnabled } from './support.js'

const STORED = { onlineUserOnly: false } as const
const ONLINE_ONLY = { onlineUserOnly: true } as const

describe.skipIf(!xmppEnabled)('XmppTransport on Prosody', () => {
  const open: XmppTransport[] = []
  const online = async (userID: string, deviceID?: string): Promise<{ transport: XmppTransport; got: IncomingMessage[] }> => {
    const transport = device(userID, deviceID)
    open.push(transport)
    const got: IncomingMessage[] = []
    transport.onMessage((message) => got.push(message))
    await connected(transport)
    return { transport, got }
  }
  const payloads = (got: readonly IncomingMessage[]): string[] => got.map((m) => m.payload)

  afterEach(async () => {
    await Promise.all(open.splice(0).map((t) => t.disconnect()))
  })

  it('catches a device up from the archive although another device of its user stayed online', async () => {
    const alice = await online('alice')
    const phone = await online('bob', 'phone')
    const laptop = await online('bob', 'laptop')
    await laptop.transport.disconnect()
    const payload = uniqueName('while-laptop-away')
    const receipt = await alice.transport.send({ kind: 'user', userID: 'bob' }, payload, STORED)
    await until(() => payloads(phone.got).includes(payload), 'the phone to get it live')
    const states: string[] = []
    laptop.transport.onConnectionChange((state) => states.push(`${state}:${laptop.got.length}`))
    laptop.transport.connect()
    await connected(laptop.transport)
    const caughtUp = laptop.got.find((m) => m.payload === payload)
    expect(caughtUp).toMatchObject({ messageID: receipt.messageID, serverTime: receipt.serverTime, sender: 'alice' })
    expect(states.at(-1)).toBe(`connected:${laptop.got.length}`)
    expect(laptop.got.filter((m) => m.payload === payload)).toHaveLength(1)
  })

  it('forwards online-only messages to the sender’s other devices, never storing them', async () => {
    const phone = await online('alice', 'phone')
    const laptop = await online('alice', 'laptop')
    const bob = await online('bob')
    const payload = uniqueName('ring')
    const receipt = await phone.transport.send({ kind: 'user', userID: 'bob' }, payload, ONLINE_ONLY)
    await until(() => payloads(laptop.got).includes(payload) && payloads(bob.got).includes(payload), 'the copy and the message')
    expect(laptop.got.find((m) => m.payload === payload)).toMatchObject({ messageID: receipt.messageID, fromMyOtherDevice: true, conversation: { kind: 'user', userID: 'bob' } })
    await sleep(150)
    expect(payloads(phone.got)).not.toContain(payload)
    await expect(phone.transport.replace({ kind: 'user', userID: 'bob' }, receipt.messageID, 'x')).rejects.toMatchObject({ reason: 'Rejected' })
  })

  it('delivers a corrected group message to the members, marked modified', async () => {
    const owner = await online('alice')
    const member = await online('bob')
    const groupID = uniqueName('corrected')
    await owner.transport.createGroup(groupID, ['bob'])
    const [v1, v2] = [uniqueName('v1'), uniqueName('v2')]
    const original = await owner.transport.send({ kind: 'group', groupID }, v1, STORED)
    await until(() => payloads(member.got).includes(v1), 'the original')
    await owner.transport.replace({ kind: 'group', groupID }, original.messageID, v2)
    await until(() => payloads(member.got).includes(v2), 'the correction')
    expect(member.got.find((m) => m.payload === v2)).toMatchObject({ messageID: original.messageID, modified: true, sender: 'alice' })
    await owner.transport.dismissGroup(groupID)
  })

  it('refuses a group message from a user who quit, and nobody gets it', async () => {
    const owner = await online('alice')
    const member = await online('bob')
    const groupID = uniqueName('quitters')
    await owner.transport.createGroup(groupID, ['bob'])
    await member.transport.quitGroup(groupID)
    const payload = uniqueName('after-quit')
    const error = await member.transport.send({ kind: 'group', groupID }, payload, STORED).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TransportError)
    expect((error as TransportError).reason).toBe('NotMember')
    await sleep(150)
    expect(payloads(owner.got)).not.toContain(payload)
    await owner.transport.dismissGroup(groupID)
  })

  it('logs in in milliseconds and confirms a send within a few round trips (loopback, PLAIN, TCP_NODELAY)', async () => {
    const began = performance.now()
    const alice = await online('alice')
    const login = performance.now() - began
    await online('bob')
    const rounds = 20
    const sendBegan = performance.now()
    for (let i = 0; i < rounds; i++) await alice.transport.send({ kind: 'user', userID: 'bob' }, uniqueName('timing'), STORED)
    const perSend = (performance.now() - sendBegan) / rounds
    console.info(`XMPP timings: login to connected ${login.toFixed(1)} ms, send confirmed in ${perSend.toFixed(2)} ms`)
    expect(login).toBeLessThan(2_000)
    expect(perSend).toBeLessThan(40)
  })
})
