/**
 * The transport contract: the laws of `ImTransport` (see `packages/core/src/ports.ts`) as one
 * suite, written once and run against every adapter — the embedded `MemoryIm` here, a real XMPP
 * server elsewhere. A harness sets up a world (an IM with a pool of accounts); the suite never
 * assumes delivery is synchronous, so it runs in virtual and in real time alike.
 *
 * @module
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ImTransport } from '@beckon/core'
import { expectFailure, observe, ONLINE_ONLY, STORED, toGroup, toUser, waitFor, type Observer } from './support.js'

/** One IM to test against, with accounts to use. */
export interface ContractWorld {
  /** At least 6 distinct users the world can connect (pre-registered accounts on a real server). */
  readonly users: readonly string[]
  /**
   * A transport for a device of a user, online (it may still be catching up). It must not deliver
   * anything before the caller had a chance to subscribe (e.g. before the next macrotask).
   */
  connect(userID: string, deviceID?: string): Promise<ImTransport>
  /** Take the device offline; resolves once its state is `disconnected`. */
  disconnect(transport: ImTransport): Promise<void>
  /** Bring the same device back online (same transport object). */
  reconnect(transport: ImTransport): Promise<void>
  /** Let what is in flight arrive: MemoryIm settles; a real server waits until quiet. */
  settle(): Promise<void>
  /** A name no other test (or earlier run against a shared server) has used: group ids, payloads. */
  uniqueName(prefix: string): string
  /** Disconnect everything and release what the world holds. */
  teardown(): Promise<void>
}

export interface ContractHarness {
  setup(): Promise<ContractWorld>
  /** How long to wait (real time) for something to arrive; default 5000 ms. */
  readonly timeoutMs?: number
  /** How far `serverNow()` may be from the server time of a message just taken; default 2000 ms. */
  readonly clockToleranceMs?: number
}

/**
 * Register the contract tests for one adapter.
 *
 * @example
 * ```ts
 * describeTransportContract('MemoryIm', { setup: async () => memoryWorld(new MemoryIm()) })
 * ```
 */
export const describeTransportContract = (name: string, harness: ContractHarness): void => {
  const timeoutMs = harness.timeoutMs ?? 5_000
  const tolerance = harness.clockToleranceMs ?? 2_000

  describe(`ImTransport contract: ${name}`, () => {
    let world: ContractWorld
    let users: readonly string[]
    const groups: { owner: ImTransport; groupID: string }[] = []

    beforeEach(async () => {
      world = await harness.setup()
      users = world.users
      if (users.length < 6) throw new Error(`the harness must provide at least 6 users, got ${users.length}`)
      groups.length = 0
    })

    afterEach(async () => {
      // Best effort, so a shared server does not fill up with test groups.
      for (const { owner, groupID } of groups) await owner.dismissGroup(groupID).catch(() => undefined)
      await world.teardown()
    })

    const user = (index: number): string => users[index]!
    const until = (condition: () => boolean, what: string): Promise<void> => waitFor(() => world.settle(), condition, what, timeoutMs)

    /** Connect a device, start observing it, and wait until it has caught up. */
    const join = async (userIndex: number, deviceID?: string): Promise<Observer> => {
      const transport = await world.connect(user(userIndex), deviceID)
      const observer = observe(transport)
      await until(() => transport.connectionState === 'connected', `${user(userIndex)}/${deviceID ?? 'default'} to connect`)
      return observer
    }

    const createGroup = async (owner: ImTransport, memberIDs: readonly string[]): Promise<string> => {
      const groupID = world.uniqueName('group')
      await owner.createGroup(groupID, memberIDs)
      groups.push({ owner, groupID })
      return groupID
    }

    const received = (observer: Observer, payload: string): boolean => observer.withPayload(payload).length > 0

    describe('1:1 messages', () => {
      it('arrive with the authenticated sender, its device, the conversation and the server time', async () => {
        const [alice, bob] = [await join(0, 'a1'), await join(1)]
        const payload = world.uniqueName('hello')
        const receipt = await alice.transport.send(toUser(bob.transport.userID), payload, STORED)
        await until(() => received(bob, payload), 'bob to get the message')
        expect(bob.withPayload(payload)[0]).toEqual({
          messageID: receipt.messageID,
          sender: alice.transport.userID,
          senderDevice: alice.transport.deviceID,
          conversation: { kind: 'user', userID: alice.transport.userID },
          payload,
          serverTime: receipt.serverTime,
          fromMyOtherDevice: false,
          modified: false,
          onlineUserOnly: false,
        })
      })

      it('reach every device of the addressee', async () => {
        const [alice, phone, laptop] = [await join(0), await join(1, 'phone'), await join(1, 'laptop')]
        const payload = world.uniqueName('both')
        await alice.transport.send(toUser(user(1)), payload, STORED)
        await until(() => received(phone, payload) && received(laptop, payload), 'both devices to get it')
      })

      it("reach the sender's other devices as carbons, and never the sending device", async () => {
        const [phone, laptop] = [await join(0, 'phone'), await join(0, 'laptop')]
        const bob = await join(1)
        const payload = world.uniqueName('carbon')
        const receipt = await phone.transport.send(toUser(user(1)), payload, STORED)
        await until(() => received(laptop, payload) && received(bob, payload), 'the carbon and the message')
        expect(laptop.withPayload(payload)[0]).toMatchObject({
          messageID: receipt.messageID,
          sender: user(0),
          senderDevice: phone.transport.deviceID,
          conversation: { kind: 'user', userID: user(1) },
          fromMyOtherDevice: true,
        })
        await world.settle()
        expect(phone.withPayload(payload)).toEqual([])
      })
    })

    describe('group messages', () => {
      it('reach every device of every member except the sending device', async () => {
        const [teacherDesk, teacherTablet] = [await join(0, 'desk'), await join(0, 'tablet')]
        const [ann, ben, outsider] = [await join(1), await join(2), await join(3)]
        const groupID = await createGroup(teacherDesk.transport, [user(1), user(2)])
        const payload = world.uniqueName('class')
        const receipt = await teacherDesk.transport.send(toGroup(groupID), payload, STORED)
        await until(() => [teacherTablet, ann, ben].every((o) => received(o, payload)), 'every member device to get it')
        for (const member of [ann, ben]) {
          expect(member.withPayload(payload)[0]).toMatchObject({
            messageID: receipt.messageID,
            sender: user(0),
            senderDevice: teacherDesk.transport.deviceID,
            conversation: { kind: 'group', groupID },
            serverTime: receipt.serverTime,
            fromMyOtherDevice: false,
          })
        }
        expect(teacherTablet.withPayload(payload)[0]).toMatchObject({ conversation: { kind: 'group', groupID }, fromMyOtherDevice: true })
        await world.settle()
        expect(teacherDesk.withPayload(payload)).toEqual([])
        expect(outsider.withPayload(payload)).toEqual([])
      })

      it('are refused to a non-member (NotMember) and never delivered', async () => {
        const [owner, outsider] = [await join(0), await join(3)]
        const groupID = await createGroup(owner.transport, [])
        const payload = world.uniqueName('intruder')
        await expectFailure(outsider.transport.send(toGroup(groupID), payload, STORED), 'NotMember')
        await world.settle()
        expect(owner.withPayload(payload)).toEqual([])
      })
    })

    describe('offline storage', () => {
      it('delivers a message sent while away on reconnect, with its original server time, before connected', async () => {
        const [alice, bob] = [await join(0), await join(1)]
        await world.disconnect(bob.transport)
        expect(bob.transport.connectionState).toBe('disconnected')
        const payload = world.uniqueName('stored')
        const receipt = await alice.transport.send(toUser(user(1)), payload, STORED)
        const mark = bob.timeline.length
        await world.reconnect(bob.transport)
        await until(() => received(bob, payload) && bob.transport.connectionState === 'connected', 'bob to catch up')
        expect(bob.withPayload(payload)[0]).toMatchObject({ messageID: receipt.messageID, serverTime: receipt.serverTime })
        const after = bob.timeline.slice(mark)
        expect(after.indexOf(`message:${payload}`)).toBeLessThan(after.indexOf('state:connected'))
      })

      it('delivers a group message to a member who was away', async () => {
        const [owner, member] = [await join(0), await join(1)]
        const groupID = await createGroup(owner.transport, [user(1)])
        await world.disconnect(member.transport)
        const payload = world.uniqueName('group-stored')
        await owner.transport.send(toGroup(groupID), payload, STORED)
        await world.reconnect(member.transport)
        await until(() => received(member, payload), 'the member to catch up')
      })

      it('does not store online-only messages, which still reach devices online', async () => {
        const [alice, away, online] = [await join(0), await join(1), await join(2)]
        await world.disconnect(away.transport)
        const [missed, live] = [world.uniqueName('missed'), world.uniqueName('live')]
        await alice.transport.send(toUser(user(1)), missed, ONLINE_ONLY)
        await alice.transport.send(toUser(user(2)), live, ONLINE_ONLY)
        await world.reconnect(away.transport)
        await until(() => away.transport.connectionState === 'connected' && received(online, live), 'the online one to arrive')
        await world.settle()
        expect(away.withPayload(missed)).toEqual([])
      })

      it('mark a message sent online-only as online-only, and a stored one as not', async () => {
        const [alice, bob] = [await join(0), await join(1)]
        const [live, stored] = [world.uniqueName('live'), world.uniqueName('kept')]
        await alice.transport.send(toUser(user(1)), live, ONLINE_ONLY)
        await alice.transport.send(toUser(user(1)), stored, STORED)
        await until(() => received(bob, live) && received(bob, stored), 'both messages')
        expect(bob.withPayload(live)[0]?.onlineUserOnly).toBe(true)
        expect(bob.withPayload(stored)[0]?.onlineUserOnly).toBe(false)
      })

      it('mark a group message sent online-only as online-only, and a stored one as not', async () => {
        const [owner, member] = [await join(0), await join(1)]
        const groupID = await createGroup(owner.transport, [user(1)])
        const [stored, live] = [world.uniqueName('group-kept'), world.uniqueName('group-live')]
        // The stored one first: once it is in, the member is in the room and online for the other.
        await owner.transport.send(toGroup(groupID), stored, STORED)
        await until(() => received(member, stored), 'the stored group message')
        await owner.transport.send(toGroup(groupID), live, ONLINE_ONLY)
        await until(() => received(member, live), 'the online-only group message')
        expect(member.withPayload(live)[0]?.onlineUserOnly).toBe(true)
        expect(member.withPayload(stored)[0]?.onlineUserOnly).toBe(false)
      })

      it('loses nothing across a reconnect: every message arrives, in the order sent', async () => {
        const [alice, bob] = [await join(0), await join(1)]
        const payloads = [1, 2, 3, 4].map((n) => world.uniqueName(`seq${n}`))
        const send = (payload: string) => alice.transport.send(toUser(user(1)), payload, STORED)
        await send(payloads[0]!)
        await until(() => received(bob, payloads[0]!), 'the first message')
        await world.disconnect(bob.transport)
        await send(payloads[1]!)
        await send(payloads[2]!)
        await world.reconnect(bob.transport)
        await send(payloads[3]!)
        await until(() => payloads.every((p) => received(bob, p)), 'all four messages')
        const order = bob.messages.map((m) => payloads.indexOf(m.payload)).filter((i) => i >= 0)
        expect([...new Set(order)]).toEqual([0, 1, 2, 3])
      })
    })

    describe('replacing a message', () => {
      it('delivers the replacement with the original id, marked modified', async () => {
        const [alice, bob] = [await join(0), await join(1)]
        const [v1, v2] = [world.uniqueName('v1'), world.uniqueName('v2')]
        const original = await alice.transport.send(toUser(user(1)), v1, STORED)
        await until(() => received(bob, v1), 'the original')
        const replacement = await alice.transport.replace(toUser(user(1)), original.messageID, v2)
        expect(replacement.messageID).toBe(original.messageID)
        await until(() => received(bob, v2), 'the replacement')
        expect(bob.withPayload(v2)[0]).toMatchObject({ messageID: original.messageID, modified: true, sender: user(0) })
        expect(bob.withPayload(v1)[0]).toMatchObject({ modified: false })
      })

      it('fails with NoSuchMessage for a message this user did not send', async () => {
        const [alice, carol] = [await join(0), await join(2)]
        const original = await alice.transport.send(toUser(user(1)), world.uniqueName('mine'), STORED)
        await expectFailure(carol.transport.replace(toUser(user(1)), original.messageID, 'x'), 'NoSuchMessage')
        await expectFailure(alice.transport.replace(toUser(user(1)), world.uniqueName('no-such-id'), 'x'), 'NoSuchMessage')
      })
    })

    describe('groups', () => {
      it('list their members, the creator included', async () => {
        const [owner] = [await join(0), await join(1)]
        const groupID = await createGroup(owner.transport, [user(1)])
        const joiner = await join(2)
        await joiner.transport.joinGroup(groupID)
        expect([...(await owner.transport.getGroupMembers(groupID))].sort()).toEqual([user(0), user(1), user(2)].sort())
      })

      it('fail with NoSuchGroup, GroupExists, NotMember and Rejected where those apply', async () => {
        const [owner, member, outsider] = [await join(0), await join(1), await join(2)]
        const groupID = await createGroup(owner.transport, [user(1)])
        const missing = world.uniqueName('missing')
        await expectFailure(outsider.transport.send(toGroup(missing), 'x', STORED), 'NoSuchGroup')
        await expectFailure(outsider.transport.joinGroup(missing), 'NoSuchGroup')
        await expectFailure(outsider.transport.createGroup(groupID, []), 'GroupExists')
        await expectFailure(outsider.transport.quitGroup(groupID), 'NotMember')
        await expectFailure(member.transport.dismissGroup(groupID), 'Rejected')
      })

      it('announce joins, departures and dismissal to the members involved', async () => {
        const [owner, member, joiner] = [await join(0), await join(1), await join(2)]
        const groupID = await createGroup(owner.transport, [user(1)])
        const has = (o: Observer, type: string, userID?: string) =>
          o.membership.some((e) => e.groupID === groupID && e.type === type && (userID === undefined || ('userID' in e && e.userID === userID)))
        await joiner.transport.joinGroup(groupID)
        await until(() => [owner, member, joiner].every((o) => has(o, 'memberJoined', user(2))), 'everyone to see the join')
        await joiner.transport.quitGroup(groupID)
        await until(() => [owner, member, joiner].every((o) => has(o, 'memberLeft', user(2))), 'everyone to see the departure')
        await owner.transport.dismissGroup(groupID)
        await until(() => has(member, 'groupDismissed'), 'the member to see the dismissal')
      })

      it('announce nothing about the initial members when a group is created', async () => {
        const [owner, member, joiner] = [await join(0), await join(1), await join(2)]
        const groupID = await createGroup(owner.transport, [user(1)])
        await joiner.transport.joinGroup(groupID)
        // The join is announced after the creation, so once it is seen a creation event would be too.
        await until(() => [owner, member].every((o) => o.membership.some((e) => e.groupID === groupID && e.type === 'memberJoined')), 'the join')
        for (const observer of [owner, member]) {
          const joined = observer.membership.filter((e) => e.groupID === groupID && e.type === 'memberJoined')
          expect(joined).toEqual([{ type: 'memberJoined', groupID, userID: user(2) }])
        }
      })
    })

    describe('connection', () => {
      it('reports disconnected, and refuses to send while disconnected (Disconnected)', async () => {
        const alice = await join(0)
        await world.disconnect(alice.transport)
        expect(alice.transport.connectionState).toBe('disconnected')
        expect(alice.lastState()).toBe('disconnected')
        await expectFailure(alice.transport.send(toUser(user(1)), 'x', STORED), 'Disconnected')
      })
    })

    describe('server time', () => {
      it("estimates the server's clock close to the server time of the messages it takes and gets", async () => {
        const [alice, bob] = [await join(0), await join(1)]
        let bobEstimate: number | undefined
        bob.transport.onMessage(() => (bobEstimate ??= bob.transport.serverNow()))
        const receipt = await alice.transport.send(toUser(user(1)), world.uniqueName('time'), STORED)
        expect(Math.abs(alice.transport.serverNow() - receipt.serverTime)).toBeLessThanOrEqual(tolerance)
        await until(() => bobEstimate !== undefined, 'bob to get the message')
        expect(bobEstimate! - receipt.serverTime).toBeGreaterThanOrEqual(-tolerance)
        expect(bobEstimate! - receipt.serverTime).toBeLessThanOrEqual(tolerance + timeoutMs)
      })
    })
  })
}
