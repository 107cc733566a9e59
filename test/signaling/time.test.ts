/**
 * Time (SPEC §3 "Time"): for an invite the server took at `t`, the invitee's devices end their
 * own answer at `t + timeout`, the device that sent the invite at `t + timeout + 5 s`, every other
 * holder locally at `t + timeout + 10 s`; everything runs on the IM server's clock, which
 * `createSignaling` takes from the transport (MemoryIm's virtual clock) when given none.
 *
 * Times in the timelines are milliseconds of server time since the invite (`t = 0`).
 */
import { describe, expect, it } from 'vitest'
import { groupOfBobAndCarol, outcome, World, type Party } from '../support/world.js'

const inviteeOf = (party: Party, id: string, userID = 'bob') =>
  party.signaling.getInvitation(id)?.invitees.find((invitee) => invitee.userID === userID)

/** alice and bob; bob is offline when alice invites him (30 s) unless `bobOnline`. */
const oneToOne = async ({ bobOnline = true } = {}) => {
  const world = new World()
  const alice = world.join('alice')
  const bob = world.join('bob')
  if (!bobOnline) bob.transport.disconnect()
  const id = await alice.signaling.invite('bob', 'room', { timeout: 30 })
  await world.settle()
  return { world, alice, bob, id }
}

describe("the invitee's own deadline, t + timeout", () => {
  it('does nothing a millisecond before', async () => {
    const { world, bob } = await oneToOne()
    await world.advanceTo(29_999)
    expect(bob.calls()).toHaveLength(1) // the ring
  })

  it('times the invitee out on its device with onInvitationTimeout(id, [me]), and tells the inviter', async () => {
    const { world, id } = await oneToOne()
    await world.advanceTo(30_000)
    expect(world.timeline()).toEqual([
      `0 bob: onReceiveNewInvitation(${id}, alice, '', [bob], room)`,
      `30000 bob: onInvitationTimeout(${id}, [bob])`,
      `30000 alice: onInvitationTimeout(${id}, [bob])`,
    ])
  })

  it("leaves the inviter's + 5 s timer nothing to do", async () => {
    const { world, alice } = await oneToOne()
    await world.advanceTo(60_000)
    expect(alice.calls()).toHaveLength(1)
  })

  it('counts from the server time of the invite, not from its arrival', async () => {
    const world = new World()
    world.im.setLink({ latency: 5_000 }, { from: 'alice', to: 'bob' })
    const alice = world.join('alice')
    const bob = world.join('bob')
    const id = await alice.signaling.invite('bob', 'room', { timeout: 30 })
    await world.advanceTo(30_000)
    expect(world.timeline().filter((line) => line.includes('bob:'))).toEqual([
      `5000 bob: onReceiveNewInvitation(${id}, alice, '', [bob], room)`,
      `30000 bob: onInvitationTimeout(${id}, [bob])`,
    ])
    expect(inviteeOf(bob, id)?.decidedBy).toBe('invitee.timedOut')
  })

  it("keeps the inviter's + 5 s on the server clock when the inviter's local clock is off", async () => {
    const world = new World()
    const alice = world.join('alice', { clockSkew: { offsetMs: 7_200_000 } })
    world.join('bob').transport.disconnect()
    const id = await alice.signaling.invite('bob', 'room', { timeout: 30 })
    await world.advanceTo(40_000)
    expect(world.timeline()).toEqual([`35000 alice: onInvitationTimeout(${id}, [bob])`])
  })

  it("ignores a device's local clock being an hour off the server's", async () => {
    const world = new World()
    const alice = world.join('alice', { clockSkew: { offsetMs: -3_600_000 } })
    const bob = world.join('bob', { clockSkew: { offsetMs: 3_600_000 } })
    const id = await alice.signaling.invite('bob', 'room', { timeout: 30 })
    await world.advanceTo(29_999)
    expect(bob.calls()).toHaveLength(1)
    await world.advanceTo(30_000)
    expect(bob.calls().at(-1)).toBe(`onInvitationTimeout(${id}, [bob])`)
  })
})

describe('the sending device of the inviter, t + timeout + 5 s', () => {
  it('times out the invitees still pending in its record and reports it to itself', async () => {
    const { world, alice, id } = await oneToOne({ bobOnline: false })
    await world.advanceTo(34_999)
    expect(alice.calls()).toEqual([])
    await world.advanceTo(35_000)
    expect(world.timeline()).toEqual([`35000 alice: onInvitationTimeout(${id}, [bob])`])
  })

  it('sends its timeout: the invitee learns it from the inviter when it comes back', async () => {
    const { world, bob, id } = await oneToOne({ bobOnline: false })
    await world.advanceTo(36_000)
    bob.transport.connect()
    await world.settle()
    expect(bob.calls()).toEqual([`onInvitationTimeout(${id}, [bob])`])
    expect(inviteeOf(bob, id)?.decidedBy).toBe('inviter.timedOut')
  })

  it('in a group lists only the invitees still pending, to every member', async () => {
    // Arrange: bob answers, carol is away
    const { world, alice, bob, carol } = await groupOfBobAndCarol()
    carol.transport.disconnect()
    const id = await alice.signaling.inviteInGroup('g', ['bob', 'carol'], 'lesson', { timeout: 30 })
    await world.settle()
    await bob.signaling.accept(id)
    await world.settle()
    world.clearLog()
    // Act
    await world.advanceTo(35_000)
    // Assert
    expect(world.timeline()).toEqual([`35000 alice: onInvitationTimeout(${id}, [carol])`, `35000 bob: onInvitationTimeout(${id}, [carol])`])
  })
})

describe('every other holder, t + timeout + 10 s', () => {
  /** alice invites the absent bob from her phone, then her phone goes away too; her tablet holds the invitation. */
  const tabletAlone = async () => {
    const world = new World()
    const alice = world.join('alice')
    const tablet = world.join('alice', { deviceID: 'tablet' })
    const bob = world.join('bob')
    bob.transport.disconnect()
    const id = await alice.signaling.invite('bob', 'room', { timeout: 30 })
    await world.settle()
    alice.transport.disconnect()
    return { world, tablet, bob, id }
  }

  it("the inviter's other device times the pending invitees out locally", async () => {
    const { world, tablet, id } = await tabletAlone()
    await world.advanceTo(39_999)
    expect(tablet.calls()).toEqual([])
    await world.advanceTo(40_000)
    expect(world.timeline()).toEqual([`40000 alice/tablet: onInvitationTimeout(${id}, [bob])`])
    expect(inviteeOf(tablet, id)).toMatchObject({ state: 'timedOut', decidedBy: 'timer.expired', deviceID: '' })
  })

  it('a local expiry sends nothing: the invitee, back later, is decided by its own timeout alone', async () => {
    const { world, bob, id } = await tabletAlone()
    await world.advanceTo(50_000)
    bob.transport.connect()
    await world.settle()
    expect(inviteeOf(bob, id)?.decidedBy).toBe('invitee.timedOut')
  })

  it('a later message overrides a local expiry; the same outcome is no news', async () => {
    const { world, tablet, bob, id } = await tabletAlone()
    await world.advanceTo(50_000)
    bob.transport.connect()
    await world.settle()
    expect(inviteeOf(tablet, id)).toMatchObject({ state: 'timedOut', decidedBy: 'invitee.timedOut', deviceID: 'default' })
    expect(tablet.calls()).toEqual([`onInvitationTimeout(${id}, [bob])`])
  })

  it('a late accept overrides a group observer’s local expiry and is reported', async () => {
    // Arrange: bob's messages take 15 s to reach dave
    const world = new World()
    world.im.setLink({ latency: 15_000 }, { from: 'bob', to: 'dave' })
    const alice = world.join('alice')
    const bob = world.join('bob')
    const dave = world.join('dave')
    await alice.transport.createGroup('g', ['bob', 'dave'])
    await world.settle()
    const id = await alice.signaling.inviteInGroup('g', ['bob'], 'lesson', { timeout: 30 })
    await world.advanceTo(29_000)
    // Act
    await bob.signaling.accept(id, 'ok')
    await world.advanceTo(45_000)
    // Assert
    expect(dave.calls()).toEqual([
      `onReceiveNewInvitation(${id}, alice, g, [bob], lesson)`,
      `onInvitationTimeout(${id}, [bob])`,
      `onInviteeAccepted(${id}, bob, ok)`,
    ])
    expect(world.timeline().filter((line) => line.includes(' dave:')).map((line) => line.split(' ')[0])).toEqual(['0', '40000', '44000'])
    expect(inviteeOf(dave, id)?.state).toBe('accepted')
  })
})

describe('timeout: 0', () => {
  it('never times anybody out, anywhere', async () => {
    // Arrange: an invitee online, one offline, an observer and the inviter's other device
    const world = new World()
    const alice = world.join('alice')
    world.join('alice', { deviceID: 'tablet' })
    world.join('bob')
    const carol = world.join('carol')
    world.join('dave')
    await alice.transport.createGroup('g', ['bob', 'carol', 'dave'])
    carol.transport.disconnect()
    // Act
    const id = await alice.signaling.inviteInGroup('g', ['bob', 'carol'], 'lesson', { timeout: 0 })
    await world.advance(24 * 60 * 60_000)
    carol.transport.connect()
    await world.advance(60_000)
    // Assert
    expect(world.log().filter((line) => line.includes('onInvitationTimeout'))).toEqual([])
    expect(alice.signaling.getInvitation(id)).toMatchObject({ active: true, deadline: null })
  })

  it('lets the invitee answer long after', async () => {
    const world = new World()
    const alice = world.join('alice')
    const bob = world.join('bob')
    const id = await alice.signaling.invite('bob', 'room', { timeout: 0 })
    await world.advance(60 * 60_000)
    expect(await outcome(bob.signaling.accept(id))).toBe('resolved')
  })
})

describe('an invite that arrives after its deadline', () => {
  it('never rings; the invitee sends its own timeout and gets onInvitationTimeout(id, [me]) (a missed call)', async () => {
    const world = new World()
    world.im.setLink({ latency: 31_000 }, { from: 'alice', to: 'bob' })
    const alice = world.join('alice')
    world.join('bob')
    const id = await alice.signaling.invite('bob', 'room', { timeout: 30 })
    await world.advanceTo(40_000)
    expect(world.timeline()).toEqual([`31000 bob: onInvitationTimeout(${id}, [bob])`, `31000 alice: onInvitationTimeout(${id}, [bob])`])
  })
})

describe('an invite that arrives exactly at its deadline', () => {
  it('does not ring, and the invitee times itself out once', async () => {
    const world = new World()
    world.im.setLink({ latency: 30_000 }, { from: 'alice', to: 'bob' })
    const alice = world.join('alice')
    const bob = world.join('bob')
    const id = await alice.signaling.invite('bob', 'room', { timeout: 30 })
    await world.advanceTo(40_000)
    expect(bob.calls()).toEqual([`onInvitationTimeout(${id}, [bob])`])
  })
})

describe('an invitee that was offline', () => {
  it('connecting in time, rings then and times out at the original deadline', async () => {
    const { world, bob, id } = await oneToOne({ bobOnline: false })
    await world.advanceTo(10_000)
    bob.transport.connect()
    await world.advanceTo(30_000)
    expect(world.timeline().filter((line) => line.includes('bob:'))).toEqual([
      `10000 bob: onReceiveNewInvitation(${id}, alice, '', [bob], room)`,
      `30000 bob: onInvitationTimeout(${id}, [bob])`,
    ])
  })

  it('catching up, rings before any callback about the same invitation', async () => {
    const { world, alice, bob, id } = await oneToOne({ bobOnline: false })
    await alice.signaling.modifyInvitation(id, 'room 2')
    bob.transport.connect()
    await world.settle()
    expect(bob.calls()[0]).toMatch(/^onReceiveNewInvitation\(/)
    expect(bob.transport.connectionState).toBe('connected')
  })

  it('catching up, does not ring until it is connected', async () => {
    const { world, bob } = await oneToOne({ bobOnline: false })
    const ringsWhile: string[] = []
    bob.signaling.addSignalingListener({ onReceiveNewInvitation: () => ringsWhile.push(bob.transport.connectionState) })
    bob.transport.connect()
    await world.settle()
    expect(ringsWhile).toEqual(['connected'])
  })

  it('connecting too late, does not ring and hears of the timeout once', async () => {
    const { world, bob, id } = await oneToOne({ bobOnline: false })
    await world.advanceTo(40_000)
    bob.transport.connect()
    await world.advanceTo(60_000)
    expect(bob.calls()).toEqual([`onInvitationTimeout(${id}, [bob])`])
  })
})

describe('a timer that comes due while its device is disconnected', () => {
  it('is evaluated when the device is back: the invitee times itself out then', async () => {
    const { world, bob, id } = await oneToOne()
    await world.advanceTo(10_000)
    bob.transport.disconnect()
    await world.advanceTo(32_000)
    bob.transport.connect()
    await world.settle()
    expect(world.timeline().slice(1)).toEqual([`32000 bob: onInvitationTimeout(${id}, [bob])`, `32000 alice: onInvitationTimeout(${id}, [bob])`])
  })

  it('is evaluated only after what was stored meanwhile: a cancel from then wins', async () => {
    // Arrange
    const { world, alice, bob, id } = await oneToOne()
    await world.advanceTo(10_000)
    bob.transport.disconnect()
    await world.advanceTo(20_000)
    await alice.signaling.cancel(id, 'gave up')
    // Act
    await world.advanceTo(32_000)
    bob.transport.connect()
    await world.advanceTo(60_000)
    // Assert
    expect(world.timeline().slice(1)).toEqual([`32000 bob: onInvitationCancelled(${id}, alice, "gave up", [bob])`])
  })
})

describe('cancel and the deadline', () => {
  it('may cancel a millisecond before the deadline', async () => {
    const { world, alice, id } = await oneToOne({ bobOnline: false })
    await world.advanceTo(29_999)
    expect(await outcome(alice.signaling.cancel(id))).toBe('resolved')
  })

  it('may not cancel once the deadline has passed, even with the invitee still pending (8010)', async () => {
    const { world, alice, id } = await oneToOne({ bobOnline: false })
    await world.advanceTo(30_000)
    expect(inviteeOf(alice, id)?.state).toBe('pending')
    expect(await outcome(alice.signaling.cancel(id))).toBe(8010)
  })
})

describe('answering after the deadline', () => {
  /** bob rang, went away at 10 s and is back at 40 s; nothing was stored for him meanwhile (alice is away too). */
  const backAfterDeadline = async () => {
    const { world, alice, bob, id } = await oneToOne()
    alice.transport.disconnect()
    await world.advanceTo(10_000)
    bob.transport.disconnect()
    await world.advanceTo(40_000)
    bob.transport.connect()
    return { world, alice, bob, id }
  }

  it.each([
    ['accept', (bob: Party, id: string) => bob.signaling.accept(id, 'late')],
    ['reject', (bob: Party, id: string) => bob.signaling.reject(id, 'late')],
  ])('%s fails with 8010 even before the overdue timer has run', async (_name, answer) => {
    const { bob, id } = await backAfterDeadline()
    expect(bob.transport.connectionState).toBe('connected')
    expect(await outcome(answer(bob, id))).toBe(8010)
  })

  it('cannot turn the invitation into an accepted one at the inviter', async () => {
    const { world, alice, bob, id } = await backAfterDeadline()
    await bob.signaling.accept(id, 'late').catch(() => undefined)
    await world.settle()
    alice.transport.connect()
    await world.settle()
    expect(inviteeOf(alice, id)?.state).toBe('timedOut')
  })
})

describe('in a group', () => {
  it('every member hears each invitee time itself out', async () => {
    const world = new World()
    const alice = world.join('alice')
    world.join('bob')
    world.join('carol')
    const dave = world.join('dave')
    await alice.transport.createGroup('g', ['bob', 'carol', 'dave'])
    const id = await alice.signaling.inviteInGroup('g', ['bob', 'carol'], 'lesson', { timeout: 30 })
    await world.settle()
    world.clearLog()
    await world.advanceTo(60_000)
    expect(alice.calls()).toEqual([`onInvitationTimeout(${id}, [bob])`, `onInvitationTimeout(${id}, [carol])`])
    expect(dave.calls()).toEqual([`onInvitationTimeout(${id}, [bob])`, `onInvitationTimeout(${id}, [carol])`])
  })
})
