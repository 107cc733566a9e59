/**
 * Delivery faults and races (SPEC §3 "Delivery faults", "Arbitration"): duplicates are absorbed,
 * a message that overtook its invite is held, forged and malformed input is dropped and reported,
 * follow-ups inherit `onlineUserOnly`, and crossing messages converge on one outcome.
 */
import { describe, expect, it } from 'vitest'
import { aliceAndBob, groupOfBobAndCarol, outcome, World, type Party } from '../support/world.js'

const inviteeOf = (party: Party, id: string, userID = 'bob') =>
  party.signaling.getInvitation(id)?.invitees.find((invitee) => invitee.userID === userID)

/** A Tencent envelope as JSON: a cancel of invitation `x1` from alice to bob unless told otherwise. */
const envelope = (fields: Record<string, unknown> = {}): string =>
  JSON.stringify({
    businessID: 1,
    inviteID: 'x1',
    groupID: '',
    inviter: 'alice',
    inviteeList: ['bob'],
    data: '',
    timeout: 30,
    actionType: 2,
    onlineUserOnly: false,
    ...fields,
  })

const ringing = async () => {
  const parties = aliceAndBob()
  const id = await parties.alice.signaling.invite('bob', 'room', { timeout: 30 })
  await parties.world.settle()
  return { ...parties, id }
}

describe('duplicates', () => {
  it('every delivery arriving twice still gives one callback per fact', async () => {
    const { world, alice, bob } = aliceAndBob()
    world.im.setLink({ duplicate: 1 })
    const id = await alice.signaling.invite('bob', 'room')
    await world.settle()
    await bob.signaling.accept(id, 'ok')
    await world.settle()
    expect(world.log()).toEqual([`bob: onReceiveNewInvitation(${id}, alice, '', [bob], room)`, `alice: onInviteeAccepted(${id}, bob, ok)`])
  })

  it('a duplicated cancel in a group is one callback per member', async () => {
    // Arrange
    const { world, alice } = await groupOfBobAndCarol()
    const id = await alice.signaling.inviteInGroup('g', ['bob'], 'lesson')
    await world.settle()
    world.clearLog()
    world.im.hold()
    // Act
    await alice.signaling.cancel(id)
    for (const delivery of world.im.inFlight()) {
      world.im.duplicate(delivery.id)
    }
    world.im.release()
    await world.settle()
    // Assert
    const cancelled = `onInvitationCancelled(${id}, alice, '', [bob])`
    expect(world.log()).toEqual([`bob: ${cancelled}`, `carol: ${cancelled}`])
  })

  it('a duplicate is reported on the diagnostics channel', async () => {
    const { world, alice, bob } = aliceAndBob()
    world.im.hold()
    await alice.signaling.invite('bob', 'room')
    const [invite] = world.im.inFlight()
    const copy = world.im.duplicate(invite!.id)
    world.im.deliver(invite!.id)
    world.im.deliver(copy)
    await world.settle()
    expect(bob.signaling.diagnosticCounts().duplicate).toBe(1)
    expect(bob.calls()).toHaveLength(1)
  })

  it('a duplicate of the invite arriving minutes after the call ended does not ring again', async () => {
    // Arrange
    const { world, alice, bob } = aliceAndBob()
    world.im.hold()
    const id = await alice.signaling.invite('bob', 'room')
    const [invite] = world.im.inFlight()
    const late = world.im.duplicate(invite!.id)
    world.im.deliver(invite!.id)
    await world.settle()
    await bob.signaling.reject(id)
    // Act
    await world.advance(5 * 60_000)
    world.im.deliver(late)
    await world.settle()
    // Assert
    expect(bob.calls()).toEqual([`onReceiveNewInvitation(${id}, alice, '', [bob], room)`])
    expect(bob.signaling.getInvitation(id)?.invitees[0]?.state).toBe('rejected')
  })
})

describe('a cancel that overtakes its invite', () => {
  const overtaken = async () => {
    const { world, alice, bob } = aliceAndBob()
    world.im.hold()
    const id = await alice.signaling.invite('bob', 'room')
    await alice.signaling.cancel(id, 'never mind')
    const [invite, cancel] = world.im.inFlight().filter((d) => d.to.userID === 'bob')
    world.im.deliver(cancel!.id)
    return { world, alice, bob, id, invite: invite! }
  }

  it('is held until the invite arrives', async () => {
    const { bob, id } = await overtaken()
    expect(bob.calls()).toEqual([])
    expect(bob.signaling.getInvitation(id)).toBeUndefined()
    expect(bob.signaling.diagnosticCounts().held).toBe(1)
  })

  it('is applied when the invite arrives: it never rings, and the invitee hears of the cancel', async () => {
    const { world, bob, id, invite } = await overtaken()
    world.im.deliver(invite.id)
    await world.settle()
    expect(bob.calls()).toEqual([`onInvitationCancelled(${id}, alice, "never mind", [bob])`])
    expect(inviteeOf(bob, id)?.state).toBe('cancelled')
  })

  it('is dropped and reported if the invite never comes within the retention period', async () => {
    const { world, bob } = aliceAndBob()
    world.im.inject({ userID: 'bob' }, { sender: 'alice', payload: envelope() })
    await world.advance(10 * 60_000)
    expect(bob.signaling.diagnosticCounts()['held-dropped']).toBe(1)
    expect(bob.calls()).toEqual([])
  })
})

describe('a forged sender', () => {
  it('an accept whose inviteeList names someone else is dropped and counted', async () => {
    const { alice, world, id } = await ringing()
    world.im.inject({ userID: 'alice' }, { sender: 'mallory', payload: envelope({ inviteID: id, actionType: 3 }) })
    await world.settle()
    expect(alice.calls()).toEqual([])
    expect(inviteeOf(alice, id)?.state).toBe('pending')
    expect(alice.signaling.diagnosticCounts()['forged-sender']).toBe(1)
  })

  it("an invitee's accept in a group that names another invitee is dropped and counted", async () => {
    // Arrange
    const { world, alice } = await groupOfBobAndCarol()
    const id = await alice.signaling.inviteInGroup('g', ['bob', 'carol'], 'lesson')
    await world.settle()
    // Act
    world.im.inject(
      { userID: 'alice' },
      { sender: 'carol', conversation: { kind: 'group', groupID: 'g' }, payload: envelope({ inviteID: id, groupID: 'g', actionType: 3 }) },
    )
    await world.settle()
    // Assert
    expect(alice.calls()).toEqual([])
    expect(alice.signaling.getInvitation(id)?.invitees.map((i) => i.state)).toEqual(['pending', 'pending'])
    expect(alice.signaling.diagnosticCounts()['forged-sender']).toBe(1)
  })

  it('a cancel from someone other than the inviter is dropped and counted', async () => {
    const { bob, world, id } = await ringing()
    world.im.inject({ userID: 'bob' }, { sender: 'mallory', payload: envelope({ inviteID: id, actionType: 2 }) })
    await world.settle()
    expect(bob.calls()).toHaveLength(1) // the ring
    expect(inviteeOf(bob, id)?.state).toBe('pending')
    expect(bob.signaling.diagnosticCounts()['forged-sender']).toBe(1)
  })

  it('an invite whose inviter is not its sender is dropped and counted', async () => {
    const { bob, world } = aliceAndBob()
    world.im.inject({ userID: 'bob' }, { sender: 'mallory', payload: envelope({ inviteID: 'x9', actionType: 1 }) })
    await world.settle()
    expect(bob.calls()).toEqual([])
    expect(bob.signaling.getInvitation('x9')).toBeUndefined()
    expect(bob.signaling.diagnosticCounts()['forged-sender']).toBe(1)
  })
})

describe('bad input', () => {
  const payloads: [string, string][] = [
    ['malformed JSON', '{"businessID":1,"inviteID":'],
    ['wrong types', envelope({ inviteID: 42 })],
    ['an unknown action', envelope({ actionType: 9 })],
    ['an oversized payload', envelope({ data: 'x'.repeat(13 * 1024) })],
    ['JSON that is not signaling', '{"text":"hello"}'],
  ]

  it.each(payloads)('%s never throws, changes nothing, and is reported', async (_name, payload) => {
    const { world, bob } = aliceAndBob()
    expect(() => world.im.inject({ userID: 'bob' }, { sender: 'alice', payload })).not.toThrow()
    await world.settle()
    expect(bob.signaling.listInvitations()).toEqual([])
    expect(bob.calls()).toEqual([])
    expect(Object.values(bob.signaling.diagnosticCounts())).toEqual([1])
  })

  it('leaves the device working: a real invite still rings', async () => {
    const { world, alice, bob } = aliceAndBob()
    world.im.inject({ userID: 'bob' }, { sender: 'alice', payload: 'not json at all' })
    const id = await alice.signaling.invite('bob', 'room')
    await world.settle()
    expect(bob.calls()).toEqual([`onReceiveNewInvitation(${id}, alice, '', [bob], room)`])
  })
})

describe('old messages', () => {
  it('a message older than the retention period is ignored and reported', async () => {
    const { world, bob } = aliceAndBob()
    await world.advance(11 * 60_000)
    world.im.inject({ userID: 'bob' }, { sender: 'alice', serverTime: world.start, payload: envelope({ inviteID: 'old', actionType: 1 }) })
    await world.settle()
    expect(bob.calls()).toEqual([])
    expect(bob.signaling.getInvitation('old')).toBeUndefined()
    expect(bob.signaling.diagnosticCounts()['expired-message']).toBe(1)
  })
})

describe('a listener that throws', () => {
  it('does not stop the other listeners, and is reported', async () => {
    const { world, alice, bob } = aliceAndBob()
    bob.signaling.addSignalingListener({
      onReceiveNewInvitation: () => {
        throw new Error('app bug')
      },
    })
    const id = await alice.signaling.invite('bob', 'room')
    await world.settle()
    expect(bob.calls()).toEqual([`onReceiveNewInvitation(${id}, alice, '', [bob], room)`])
    expect(bob.signaling.diagnosticCounts()['listener-threw']).toBe(1)
  })
})

describe('follow-ups inherit onlineUserOnly from the invite', () => {
  /** An online-only invite reaches alice's tablet; then the tablet goes offline. */
  const onlineOnly = async () => {
    const world = new World()
    const alice = world.join('alice')
    const tablet = world.join('alice', { deviceID: 'tablet' })
    const bob = world.join('bob')
    const id = await alice.signaling.invite('bob', 'room', { onlineUserOnly: true })
    await world.settle()
    tablet.transport.disconnect()
    return { world, alice, tablet, bob, id }
  }

  it('an answer is not stored for a device that is offline', async () => {
    const { world, tablet, bob, id } = await onlineOnly()
    await bob.signaling.accept(id, 'ok')
    await world.settle()
    tablet.transport.connect()
    await world.settle()
    expect(tablet.calls()).toEqual([])
    expect(inviteeOf(tablet, id)?.state).toBe('pending')
  })

  it('a cancel is not stored for a device that is offline', async () => {
    const { world, alice, bob, id } = await onlineOnly()
    bob.transport.disconnect()
    await alice.signaling.cancel(id)
    bob.transport.connect()
    await world.settle()
    expect(bob.calls()).toEqual([`onReceiveNewInvitation(${id}, alice, '', [bob], room)`])
    expect(inviteeOf(bob, id)?.state).toBe('pending')
  })

  it("the invitee's own timeout is not stored for a device that is offline", async () => {
    const { world, tablet, id } = await onlineOnly()
    await world.advanceTo(31_000)
    tablet.transport.connect()
    await world.settle()
    expect(tablet.calls()).toEqual([])
    expect(inviteeOf(tablet, id)?.state).toBe('pending')
  })
})

describe('convergence and liveness (SPEC §3 "Arbitration")', () => {
  /** alice (and her tablet) invite bob (phone, laptop) and carol in a group watched by dave; everyone acts at once. */
  const busyGroup = async (seed: number, network: Parameters<World['im']['setLink']>[0]) => {
    const world = new World({ seed })
    const alice = world.join('alice')
    const tablet = world.join('alice', { deviceID: 'tablet' })
    const phone = world.join('bob', { deviceID: 'phone' })
    const laptop = world.join('bob', { deviceID: 'laptop' })
    const carol = world.join('carol')
    const dave = world.join('dave')
    await alice.transport.createGroup('g', ['bob', 'carol', 'dave'])
    await world.settle()
    world.im.setLink(network)
    const id = await alice.signaling.inviteInGroup('g', ['bob', 'carol'], 'lesson', { timeout: 10 })
    await world.advance(3_000)
    await Promise.allSettled([phone.signaling.accept(id, 'p'), laptop.signaling.reject(id, 'l'), carol.signaling.accept(id, 'c'), tablet.signaling.cancel(id, 't')])
    await world.advance(2 * 60_000)
    return { world, id, parties: [alice, tablet, phone, laptop, carol, dave] }
  }

  it('late, duplicated and reordered deliveries leave every party with the same outcome, data and device', async () => {
    const { id, parties } = await busyGroup(7, { latency: { min: 0, max: 8_000 }, reorder: true, duplicate: 0.3 })
    const views = parties.map((party) => JSON.stringify(party.signaling.getInvitation(id)?.invitees))
    expect(new Set(views).size).toBe(1)
  })

  it('with half the deliveries lost, every party holding the invitation still reaches an outcome for every invitee', async () => {
    const { id, parties } = await busyGroup(3, { latency: { min: 0, max: 8_000 }, reorder: true, loss: 0.5 })
    const pending = parties.flatMap((party) =>
      (party.signaling.getInvitation(id)?.invitees ?? []).filter((i) => i.state === 'pending').map((i) => `${party.name} sees ${i.userID} pending`),
    )
    expect(pending).toEqual([])
  })
})

describe('races', () => {
  it('accept vs cancel: the cancel wins everywhere, and the invitee hears it lost', async () => {
    // Arrange
    const { world, alice, bob, id } = await ringing()
    world.clearLog()
    // Act
    const settled = await Promise.all([outcome(bob.signaling.accept(id, 'ok')), outcome(alice.signaling.cancel(id, 'bye'))])
    await world.settle()
    // Assert
    expect(settled).toEqual(['resolved', 'resolved'])
    expect([inviteeOf(alice, id)?.state, inviteeOf(bob, id)?.state]).toEqual(['cancelled', 'cancelled'])
    expect(world.log()).toEqual([`bob: onInvitationCancelled(${id}, alice, bye, [bob])`])
  })

  it("accept vs the inviter's timeout: a late accept changes nothing at the inviter, and the invitee hears it lost", async () => {
    // Arrange: bob's messages take 10 s to reach alice
    const { world, alice, bob } = aliceAndBob()
    world.im.setLink({ latency: 10_000 }, { from: 'bob', to: 'alice' })
    const id = await alice.signaling.invite('bob', 'room', { timeout: 30 })
    await world.advanceTo(29_000)
    world.clearLog()
    // Act
    await bob.signaling.accept(id, 'ok')
    await world.advanceTo(60_000)
    // Assert
    expect(world.timeline()).toEqual([`35000 alice: onInvitationTimeout(${id}, [bob])`, `35000 bob: onInvitationTimeout(${id}, [bob])`])
    expect([inviteeOf(alice, id)?.decidedBy, inviteeOf(bob, id)?.decidedBy]).toEqual(['inviter.timedOut', 'inviter.timedOut'])
  })

  it("accept on one device vs the invitee's own timeout on another: the accept wins", async () => {
    // Arrange: what bob's devices tell each other takes 5 s
    const world = new World()
    world.im.setLink({ latency: 5_000 }, { from: 'bob', to: 'bob' })
    const alice = world.join('alice')
    const phone = world.join('bob', { deviceID: 'phone' })
    const laptop = world.join('bob', { deviceID: 'laptop' })
    const id = await alice.signaling.invite('bob', 'room', { timeout: 30 })
    await world.advanceTo(29_999)
    world.clearLog()
    // Act
    await laptop.signaling.accept(id, 'ok')
    await world.advanceTo(40_000)
    // Assert
    expect(world.timeline()).toEqual([
      `29999 alice: onInviteeAccepted(${id}, bob, ok)`,
      `30000 bob/phone: onInvitationTimeout(${id}, [bob])`,
      `34999 bob/phone: onInviteeAccepted(${id}, bob, ok)`,
    ])
    expect([alice, phone, laptop].map((party) => inviteeOf(party, id)?.state)).toEqual(['accepted', 'accepted', 'accepted'])
  })
})
