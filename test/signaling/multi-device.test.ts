/**
 * A user on several devices (SPEC §3 "Who sees what" multi-device, "Arbitration"): every device
 * rings, an answer on one ends the ringing on the others, and answers that cross converge on one
 * outcome everywhere — the acting device hears of it only if its own answer lost.
 */
import { describe, expect, it } from 'vitest'
import { counterIds, outcome, World, type Party } from '../support/world.js'

/** alice invites bob, who is on his phone and his laptop. Ids of the laptop sort before the phone's. */
const ringing = async (options: { laptopFirst?: boolean } = {}) => {
  const world = new World()
  const alice = world.join('alice')
  const phone = world.join('bob', { deviceID: 'phone', ids: counterIds(options.laptopFirst === true ? 'b-' : 'a-') })
  const laptop = world.join('bob', { deviceID: 'laptop', ids: counterIds(options.laptopFirst === true ? 'a-' : 'b-') })
  const id = await alice.signaling.invite('bob', 'room', { timeout: 30 })
  await world.settle()
  return { world, alice, phone, laptop, id }
}

/** What every party concluded about bob: state, data and answering device. */
const outcomes = (parties: readonly Party[], id: string) =>
  parties.map((party) => {
    const invitee = party.signaling.getInvitation(id)?.invitees.find((i) => i.userID === 'bob')
    return `${party.name}: ${invitee?.state} ${invitee?.data} by ${invitee?.deviceID}`
  })

describe('an invitee on two devices', () => {
  it('rings on both', async () => {
    const { phone, laptop, id } = await ringing()
    const ring = `onReceiveNewInvitation(${id}, alice, '', [bob], room)`
    expect([phone.calls(), laptop.calls()]).toEqual([[ring], [ring]])
  })

  it('an accept on one device tells the other onInviteeAccepted(id, me, data)', async () => {
    const { world, phone, laptop, id } = await ringing()
    world.clearLog()
    await phone.signaling.accept(id, 'on phone')
    await world.settle()
    expect(laptop.calls()).toEqual([`onInviteeAccepted(${id}, bob, "on phone")`])
  })

  it('a reject on one device tells the other onInviteeRejected(id, me, data)', async () => {
    const { world, phone, laptop, id } = await ringing()
    world.clearLog()
    await laptop.signaling.reject(id, 'busy')
    await world.settle()
    expect(phone.calls()).toEqual([`onInviteeRejected(${id}, bob, busy)`])
  })

  it('after an answer on one device the other can no longer answer (8010)', async () => {
    const { world, phone, laptop, id } = await ringing()
    await phone.signaling.accept(id)
    await world.settle()
    expect(await outcome(laptop.signaling.reject(id))).toBe(8010)
  })

  it('the answering device gets no callback for its own answer', async () => {
    const { world, phone, id } = await ringing()
    world.clearLog()
    await phone.signaling.accept(id, 'ok')
    await world.settle()
    expect(phone.calls()).toEqual([])
  })

  it('the inviter hears of the answer once', async () => {
    const { world, alice, phone, id } = await ringing()
    await phone.signaling.accept(id, 'ok')
    await world.settle()
    expect(alice.calls()).toEqual([`onInviteeAccepted(${id}, bob, ok)`])
  })

  it('a device that was offline learns on reconnect that the call was answered elsewhere, without ringing', async () => {
    // Arrange
    const world = new World()
    const alice = world.join('alice')
    const phone = world.join('bob', { deviceID: 'phone' })
    const laptop = world.join('bob', { deviceID: 'laptop' })
    laptop.transport.disconnect()
    const id = await alice.signaling.invite('bob', 'room')
    await world.settle()
    await phone.signaling.accept(id, 'ok')
    await world.settle()
    // Act
    laptop.transport.connect()
    await world.settle()
    // Assert
    expect(laptop.calls()).toEqual([`onInviteeAccepted(${id}, bob, ok)`])
  })
})

describe('two devices of one invitee answer differently at once', () => {
  const crossing = async (answers: (phone: Party, laptop: Party, id: string) => Promise<unknown>[], laptopFirst = false) => {
    const parties = await ringing({ laptopFirst })
    parties.world.clearLog()
    await Promise.all(answers(parties.phone, parties.laptop, parties.id))
    await parties.world.settle()
    return parties
  }

  it('both promises resolve: each answer was taken by the IM', async () => {
    const { phone, laptop, id } = await ringing()
    const settled = await Promise.all([outcome(phone.signaling.accept(id, 'yes')), outcome(laptop.signaling.reject(id, 'no'))])
    expect(settled).toEqual(['resolved', 'resolved'])
  })

  // In these the rejecting laptop's action ids sort first, so only the rank can make the accept win.
  it('accepted beats rejected at every party', async () => {
    const { alice, phone, laptop, id } = await crossing((phone, laptop, id) => [laptop.signaling.reject(id, 'no'), phone.signaling.accept(id, 'yes')], true)
    expect(outcomes([alice, phone, laptop], id)).toEqual([
      'alice: accepted yes by phone',
      'bob/phone: accepted yes by phone',
      'bob/laptop: accepted yes by phone',
    ])
  })

  it('the device whose reject lost gets a correction: onInviteeAccepted', async () => {
    const { phone, laptop, id } = await crossing((phone, laptop, id) => [laptop.signaling.reject(id, 'no'), phone.signaling.accept(id, 'yes')], true)
    expect(laptop.calls()).toEqual([`onInviteeAccepted(${id}, bob, yes)`])
    expect(phone.calls()).toEqual([])
  })

  it('the inviter that heard the reject first reports the accept that beats it', async () => {
    const { alice, id } = await crossing((phone, laptop, id) => [laptop.signaling.reject(id, 'no'), phone.signaling.accept(id, 'yes')], true)
    expect(alice.calls()).toEqual([`onInviteeRejected(${id}, bob, no)`, `onInviteeAccepted(${id}, bob, yes)`])
  })

  it('the inviter that heard the accept first reports nothing more', async () => {
    const { alice, id } = await crossing((phone, laptop, id) => [phone.signaling.accept(id, 'yes'), laptop.signaling.reject(id, 'no')], true)
    expect(alice.calls()).toEqual([`onInviteeAccepted(${id}, bob, yes)`])
  })

  it('between two accepts the smallest action id wins, with its data and device', async () => {
    // the laptop's ids sort first, though the phone answers first
    const { alice, phone, laptop, id } = await crossing(
      (phone, laptop, id) => [phone.signaling.accept(id, 'phone'), laptop.signaling.accept(id, 'laptop')],
      true,
    )
    expect(outcomes([alice, phone, laptop], id)).toEqual([
      'alice: accepted laptop by laptop',
      'bob/phone: accepted laptop by laptop',
      'bob/laptop: accepted laptop by laptop',
    ])
  })

  it('the device whose accept lost with other data hears the winning data', async () => {
    const { phone, laptop, id } = await crossing(
      (phone, laptop, id) => [phone.signaling.accept(id, 'phone'), laptop.signaling.accept(id, 'laptop')],
      true,
    )
    expect(phone.calls()).toEqual([`onInviteeAccepted(${id}, bob, laptop)`])
    expect(laptop.calls()).toEqual([])
  })

  it('a lost accept with the same data is no news: only the answering device changes', async () => {
    const { alice, phone, laptop, id } = await crossing(
      (phone, laptop, id) => [phone.signaling.accept(id, 'ok'), laptop.signaling.accept(id, 'ok')],
      true,
    )
    expect(phone.calls()).toEqual([])
    expect(alice.calls()).toEqual([`onInviteeAccepted(${id}, bob, ok)`])
    expect(outcomes([alice, phone, laptop], id)).toEqual([
      'alice: accepted ok by laptop',
      'bob/phone: accepted ok by laptop',
      'bob/laptop: accepted ok by laptop',
    ])
  })

  it('between two rejects the smallest action id wins', async () => {
    const { alice, phone, laptop, id } = await crossing((phone, laptop, id) => [phone.signaling.reject(id, 'p'), laptop.signaling.reject(id, 'l')])
    expect(outcomes([alice, phone, laptop], id)).toEqual([
      'alice: rejected p by phone',
      'bob/phone: rejected p by phone',
      'bob/laptop: rejected p by phone',
    ])
  })
})

describe('convergence between devices of one user', () => {
  it('two devices timing out at once: the inviter hears it once, everyone agrees on the device', async () => {
    const { world, alice, phone, laptop, id } = await ringing()
    world.clearLog()
    await world.advanceTo(30_000)
    expect(world.log()).toEqual([
      `bob/phone: onInvitationTimeout(${id}, [bob])`,
      `bob/laptop: onInvitationTimeout(${id}, [bob])`,
      `alice: onInvitationTimeout(${id}, [bob])`,
    ])
    expect(outcomes([alice, phone, laptop], id)).toEqual([
      'alice: timedOut room by phone',
      'bob/phone: timedOut room by phone',
      'bob/laptop: timedOut room by phone',
    ])
  })

  it('two inviter devices cancelling at once: the smallest action id wins, and the losing device is told', async () => {
    // Arrange: the tablet's ids sort first, though the phone cancels first
    const world = new World()
    const alice = world.join('alice', { ids: counterIds('b-') })
    const tablet = world.join('alice', { deviceID: 'tablet', ids: counterIds('a-') })
    const bob = world.join('bob')
    const id = await alice.signaling.invite('bob', 'room')
    await world.settle()
    world.clearLog()
    // Act
    await Promise.all([alice.signaling.cancel(id, 'from phone'), tablet.signaling.cancel(id, 'from tablet')])
    await world.settle()
    // Assert
    expect(alice.calls()).toEqual([`onInvitationCancelled(${id}, alice, "from tablet", [bob])`])
    expect(tablet.calls()).toEqual([])
    expect(bob.calls().at(-1)).toBe(`onInvitationCancelled(${id}, alice, "from tablet", [bob])`)
    expect([alice, tablet, bob].map((party) => party.signaling.getInvitation(id)?.invitees[0]?.deviceID)).toEqual(['tablet', 'tablet', 'tablet'])
  })

  it("an answer from the user's other device that overtakes the invite ends it before it rings", async () => {
    // Arrange
    const world = new World()
    const alice = world.join('alice')
    const phone = world.join('bob', { deviceID: 'phone' })
    const laptop = world.join('bob', { deviceID: 'laptop' })
    world.im.hold()
    const id = await alice.signaling.invite('bob', 'room')
    const toPhone = world.im.inFlight().find((d) => d.to.deviceID === 'phone')!
    world.im.deliver(toPhone.id)
    await world.settle()
    await phone.signaling.accept(id, 'ok')
    const [invite, carbon] = world.im.inFlight().filter((d) => d.to.deviceID === 'laptop')
    // Act
    world.im.deliver(carbon!.id)
    world.im.deliver(invite!.id)
    world.im.release()
    await world.settle()
    // Assert
    expect(laptop.calls()).toEqual([`onInviteeAccepted(${id}, bob, ok)`])
  })
})

describe("the inviter's other device", () => {
  const inviterOnTwo = async () => {
    const world = new World()
    const alice = world.join('alice')
    const tablet = world.join('alice', { deviceID: 'tablet' })
    const bob = world.join('bob')
    const id = await alice.signaling.invite('bob', 'room')
    await world.settle()
    return { world, alice, tablet, bob, id }
  }

  it('holds a 1:1 invitation silently: it does not ring', async () => {
    const { tablet, id } = await inviterOnTwo()
    expect(tablet.calls()).toEqual([])
    expect(tablet.signaling.getInvitation(id)?.active).toBe(true)
  })

  it("gets the invitation's follow-up callbacks", async () => {
    const { world, tablet, bob, id } = await inviterOnTwo()
    await bob.signaling.accept(id, 'ok')
    await world.settle()
    expect(tablet.calls()).toEqual([`onInviteeAccepted(${id}, bob, ok)`])
  })

  it("may cancel the invitation, and the sending device hears of it", async () => {
    const { world, alice, tablet, bob, id } = await inviterOnTwo()
    await tablet.signaling.cancel(id, 'from tablet')
    await world.settle()
    const cancelled = `onInvitationCancelled(${id}, alice, "from tablet", [bob])`
    expect([alice.calls(), bob.calls().at(-1)]).toEqual([[cancelled], cancelled])
  })
})

describe('an invitee on two devices in a group', () => {
  it('a device back online after its user answered elsewhere does not ring, though others are still pending', async () => {
    // Arrange
    const world = new World()
    const alice = world.join('alice')
    const phone = world.join('bob', { deviceID: 'phone' })
    const laptop = world.join('bob', { deviceID: 'laptop' })
    world.join('carol')
    await alice.transport.createGroup('g', ['bob', 'carol'])
    laptop.transport.disconnect()
    const id = await alice.signaling.inviteInGroup('g', ['bob', 'carol'], 'lesson')
    await world.settle()
    await phone.signaling.accept(id, 'ok')
    await world.settle()
    // Act
    laptop.transport.connect()
    await world.settle()
    // Assert
    expect(laptop.calls()).toEqual([`onInviteeAccepted(${id}, bob, ok)`])
    expect(laptop.signaling.getInvitation(id)?.active).toBe(true)
  })


  it('an accept on one device reaches the other one too', async () => {
    // Arrange
    const world = new World()
    const alice = world.join('alice')
    const phone = world.join('bob', { deviceID: 'phone' })
    world.join('bob', { deviceID: 'laptop' })
    await alice.transport.createGroup('g', ['bob'])
    const id = await alice.signaling.inviteInGroup('g', ['bob'], 'lesson')
    await world.settle()
    world.clearLog()
    // Act
    await phone.signaling.accept(id, 'ok')
    await world.settle()
    // Assert
    expect(world.log()).toEqual([`alice: onInviteeAccepted(${id}, bob, ok)`, `bob/laptop: onInviteeAccepted(${id}, bob, ok)`])
  })
})
