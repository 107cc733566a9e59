/**
 * Groups at scale (SPEC §8 "Large invitee lists"): a group of any size is created and invited in
 * linear cost; an invitation whose envelope fits 12 KB is Tencent's format, a larger list travels
 * in beckon's large-list extension (which Tencent clients do not take for signaling), and a list
 * that cannot travel fails with 6017 naming `inviteeList`, its size and the limit.
 */
import { describe, expect, it } from 'vitest'
import { createSignaling, maxEnvelopeBytes, SignalingError, type ImTransport, type IncomingMessage } from '@beckon/core'
import { outcome, World } from '../support/world.js'

const member = (i: number): string => `00000000-0000-4000-8000-${i.toString().padStart(12, '0')}`

/** What a Tencent client checks before treating a custom message as signaling. */
const tencentTakesForSignaling = (payload: string): boolean => {
  const json = JSON.parse(payload) as Record<string, unknown>
  return json['businessID'] === 1 && 'actionType' in json
}

/** A world with `host` and `size - 1` members; those in `watched` run signaling, the rest are bare devices. */
const bigGroup = async (size: number, watched: readonly number[]) => {
  const world = new World()
  const host = world.join('host')
  const members = Array.from({ length: size - 1 }, (_, i) => member(i))
  const parties = watched.map((i) => world.join(members[i]!))
  const watchedIDs = new Set(watched.map((i) => members[i]!))
  const bare = members.filter((id) => !watchedIDs.has(id)).map((id) => world.im.connect(id))
  await host.transport.createGroup('hall', members)
  await world.settle()
  return { world, host, members, parties, bare }
}

/** The same device, on an IM that takes payloads of at most `maxPayloadBytes`. */
const withPayloadLimit = (transport: ImTransport, maxPayloadBytes: number): ImTransport => ({
  userID: transport.userID,
  deviceID: transport.deviceID,
  maxPayloadBytes,
  ...(transport.clock === undefined ? {} : { clock: transport.clock }),
  get connectionState() {
    return transport.connectionState
  },
  send: (to, payload, options) => transport.send(to, payload, options),
  replace: (to, messageID, payload) => transport.replace(to, messageID, payload),
  onMessage: (listener) => transport.onMessage(listener),
  createGroup: (groupID, memberIDs) => transport.createGroup(groupID, memberIDs),
  joinGroup: (groupID) => transport.joinGroup(groupID),
  quitGroup: (groupID) => transport.quitGroup(groupID),
  dismissGroup: (groupID) => transport.dismissGroup(groupID),
  getGroupMembers: (groupID) => transport.getGroupMembers(groupID),
  onMembershipChange: (listener) => transport.onMembershipChange(listener),
  onConnectionChange: (listener) => transport.onConnectionChange(listener),
  serverNow: () => transport.serverNow(),
})

const lastPayload = (transport: ImTransport): (() => string | undefined) => {
  let last: IncomingMessage | undefined
  transport.onMessage((message) => (last = message))
  return () => last?.payload
}

describe('a group of 10,000 members', () => {
  it('is created and invited whole: every invitee rings with the full list, Tencent clients see no signaling', async () => {
    // Arrange
    const { world, host, members, parties, bare } = await bigGroup(10_000, [0, 5_000, 9_998])
    const seen = lastPayload(bare[0]!)
    world.clearLog()

    // Act
    const id = await host.signaling.inviteInGroup('hall', members, 'town hall', { timeout: 30 })
    await world.settle()

    // Assert
    for (const party of parties) {
      const rings = party.calls()
      expect(rings).toHaveLength(1)
      expect(rings[0]).toMatch(new RegExp(`^onReceiveNewInvitation\\(${id}, host, hall, \\[`))
      expect(party.signaling.getInvitation(id)?.inviteeList).toEqual(members)
    }
    expect(tencentTakesForSignaling(seen()!)).toBe(false)
  }, 60_000)
})

describe('an invitee list larger than 12 KB', () => {
  it('travels in the extension for the invite, the cancel and the inviter’s timeout, and converges', async () => {
    // Arrange: 1,000 UUID invitees take about 39 KB.
    const { world, host, members, parties } = await bigGroup(1_001, [0, 1, 999])
    const [first, second, last] = parties as [(typeof parties)[number], (typeof parties)[number], (typeof parties)[number]]
    const id = await host.signaling.inviteInGroup('hall', members, 'vote', { timeout: 30 })
    await world.settle()
    await first.signaling.accept(id)
    await world.settle()
    world.clearLog()

    // Act
    await host.signaling.cancel(id, 'over')
    await world.settle()

    // Assert: the cancel lists the 999 still pending.
    const cancelled = last.calls()
    expect(cancelled).toHaveLength(1)
    const view = last.signaling.getInvitation(id)!
    expect(view.invitees.filter((i) => i.state === 'cancelled')).toHaveLength(999)
    expect(view.invitees.find((i) => i.userID === first.userID)?.state).toBe('accepted')
    expect(second.signaling.getInvitation(id)?.invitees).toEqual(view.invitees)
  }, 30_000)

  it('reaches everyone in the inviter’s timeout listing every invitee still pending', async () => {
    const { world, host, members, parties } = await bigGroup(1_001, [0, 999])
    const id = await host.signaling.inviteInGroup('hall', members, 'vote', { timeout: 30 })
    await world.settle()
    // Both watched invitees are away when their own timers run: only the inviter's message decides them.
    for (const party of parties) party.transport.disconnect()
    await world.advance(35_500)
    for (const party of parties) party.transport.connect()
    await world.settle()
    for (const party of parties) {
      const view = party.signaling.getInvitation(id)!
      expect(view.invitees.every((i) => i.state === 'timedOut' && i.deviceID === host.deviceID)).toBe(true)
    }
  }, 30_000)
})

describe('a list that cannot travel', () => {
  it('fails with 6017 naming inviteeList, its size and the extension’s limit', async () => {
    // 9,999 ids of 117 characters: about 1.2 MB of list.
    const world = new World()
    const host = world.join('host')
    const members = Array.from({ length: 9_999 }, (_, i) => `${member(i)}-${'x'.repeat(80)}`)
    for (const id of members) world.im.connect(id)
    await host.transport.createGroup('hall', members)
    const error = await host.signaling.inviteInGroup('hall', members, 'x').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SignalingError)
    expect((error as SignalingError).code).toBe(6017)
    expect((error as SignalingError).message).toMatch(/inviteeList \(9,999 invitees\) makes the message [\d,]+ bytes, over the 1,048,576 bytes limit of beckon's large-list extension/)
    expect(await outcome(host.signaling.inviteInGroup('hall', members.slice(0, 5_000), 'x'))).toBe('resolved')
  }, 60_000)

  it('names data, not the list, when data alone is over 12 KB', async () => {
    const { host, members } = await bigGroup(3, [])
    const error = await host.signaling.inviteInGroup('hall', members, 'x'.repeat(maxEnvelopeBytes)).catch((e: unknown) => e)
    expect((error as SignalingError).message).toMatch(/data \(12,288 bytes\) makes the message [\d,]+ bytes, over the 12,288 bytes of a signaling message/)
  })

  it('fails with 6017 naming the transport’s message size limit when it is lower', async () => {
    const world = new World()
    const members = Array.from({ length: 1_000 }, (_, i) => member(i))
    for (const id of members) world.im.connect(id)
    const transport = world.im.connect('host')
    const host = createSignaling({ transport: withPayloadLimit(transport, 20_000) })
    await transport.createGroup('hall', members)
    const error = await host.inviteInGroup('hall', members, 'x').catch((e: unknown) => e)
    expect((error as SignalingError).code).toBe(6017)
    expect((error as SignalingError).message).toMatch(/inviteeList \(1,000 invitees\) makes the message [\d,]+ bytes, over the transport's message size limit of 20,000 bytes/)
    expect(await outcome(host.inviteInGroup('hall', members.slice(0, 100), 'x'))).toBe('resolved')
  })
})
