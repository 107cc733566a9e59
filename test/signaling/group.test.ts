/**
 * Group invitations (SPEC §2 `inviteInGroup`, §3 "Who sees what"): every message goes to the
 * group, so every member sees every callback of the invitation, invited or not; only listed
 * invitees may answer; inviter and invitees must be members (8013).
 */
import { describe, expect, it } from 'vitest'
import { outcome, World } from '../support/world.js'

/** alice, bob, carol and dave in group `g`. */
const setup = async () => {
  const world = new World()
  const alice = world.join('alice')
  const bob = world.join('bob')
  const carol = world.join('carol')
  const dave = world.join('dave')
  await alice.transport.createGroup('g', ['bob', 'carol', 'dave'])
  await world.settle()
  return { world, alice, bob, carol, dave }
}

/** alice invites bob and carol in `g`; dave is a member who is not asked. */
const ringing = async () => {
  const parties = await setup()
  const id = await parties.alice.signaling.inviteInGroup('g', ['bob', 'carol'], 'lesson', { timeout: 30 })
  await parties.world.settle()
  parties.world.clearLog()
  return { ...parties, id }
}

describe('an invite in a group', () => {
  it('reaches every member, invited or not, with the same inviteeList', async () => {
    const { world, alice } = await setup()
    const id = await alice.signaling.inviteInGroup('g', ['bob', 'carol'], 'lesson')
    await world.settle()
    const ring = `onReceiveNewInvitation(${id}, alice, g, [bob, carol], lesson)`
    expect(world.log()).toEqual([`bob: ${ring}`, `carol: ${ring}`, `dave: ${ring}`])
  })

  it('gives the inviting device no callback', async () => {
    const { world, alice } = await setup()
    await alice.signaling.inviteInGroup('g', ['bob'], 'lesson')
    await world.settle()
    expect(alice.calls()).toEqual([])
  })

  it("reaches the inviter's other device, a member like everyone else", async () => {
    const { world, alice } = await setup()
    const laptop = world.join('alice', { deviceID: 'laptop' })
    const id = await alice.signaling.inviteInGroup('g', ['bob'], 'lesson')
    await world.settle()
    expect(laptop.calls()).toEqual([`onReceiveNewInvitation(${id}, alice, g, [bob], lesson)`])
  })
})

describe('answers in a group', () => {
  it('an accept reaches every member but the accepting device', async () => {
    const { world, bob, id } = await ringing()
    await bob.signaling.accept(id, 'here')
    await world.settle()
    const accepted = `onInviteeAccepted(${id}, bob, here)`
    expect(world.log()).toEqual([`alice: ${accepted}`, `carol: ${accepted}`, `dave: ${accepted}`])
  })

  it('a reject reaches every member but the rejecting device', async () => {
    const { world, carol, id } = await ringing()
    await carol.signaling.reject(id, 'ill')
    await world.settle()
    const rejected = `onInviteeRejected(${id}, carol, ill)`
    expect(world.log()).toEqual([`alice: ${rejected}`, `bob: ${rejected}`, `dave: ${rejected}`])
  })

  it('keeps the invitation active while another invitee is pending', async () => {
    const { world, bob, dave, id } = await ringing()
    await bob.signaling.accept(id)
    await world.settle()
    expect(dave.signaling.getInvitation(id)?.active).toBe(true)
  })

  it('refuses an answer from a member who is not invited (8010) and sends nothing', async () => {
    const { world, dave, id } = await ringing()
    expect(await outcome(dave.signaling.accept(id))).toBe(8010)
    expect(await outcome(dave.signaling.reject(id))).toBe(8010)
    await world.settle()
    expect(world.log()).toEqual([])
  })
})

describe('a cancel in a group', () => {
  it('reaches every member but the cancelling device, listing the invitees it ended', async () => {
    const { world, alice, id } = await ringing()
    await alice.signaling.cancel(id, 'over')
    await world.settle()
    const cancelled = `onInvitationCancelled(${id}, alice, over, [bob, carol])`
    expect(world.log()).toEqual([`bob: ${cancelled}`, `carol: ${cancelled}`, `dave: ${cancelled}`])
  })

  it('ends only the pending invitees, not the ones that answered', async () => {
    // Arrange
    const { world, alice, bob, dave, id } = await ringing()
    await bob.signaling.accept(id, 'here')
    await world.settle()
    world.clearLog()
    // Act
    await alice.signaling.cancel(id, 'over')
    await world.settle()
    // Assert
    expect(dave.calls()).toEqual([`onInvitationCancelled(${id}, alice, over, [carol])`])
    expect(dave.signaling.getInvitation(id)?.invitees.map((i) => i.state)).toEqual(['accepted', 'cancelled'])
  })
})

describe('membership (8013)', () => {
  it('refuses an inviter who is not a member of the group', async () => {
    const { world } = await setup()
    const erin = world.join('erin')
    expect(await outcome(erin.signaling.inviteInGroup('g', ['bob']))).toBe(8013)
  })

  it('refuses an invitee who is not a member of the group, and sends nothing', async () => {
    const { world, alice } = await setup()
    world.join('erin')
    expect(await outcome(alice.signaling.inviteInGroup('g', ['bob', 'erin']))).toBe(8013)
    await world.settle()
    expect(world.log()).toEqual([])
  })

  it('refuses a group that does not exist', async () => {
    const { alice } = await setup()
    expect(await outcome(alice.signaling.inviteInGroup('nowhere', ['bob']))).toBe(8013)
  })
})

describe('an answer the IM refuses', () => {
  it('rejects its promise and leaves the invitee pending (it did not take effect)', async () => {
    const { world, bob, id } = await ringing()
    await bob.transport.quitGroup('g')
    await world.settle()
    expect(await outcome(bob.signaling.accept(id, 'here'))).toBeTypeOf('number')
    expect(bob.signaling.getInvitation(id)?.invitees[0]?.state).toBe('pending')
  })
})

describe('disconnected (6014)', () => {
  it('refuses a group invite while the inviter is disconnected', async () => {
    const { alice } = await setup()
    alice.transport.disconnect()
    expect(await outcome(alice.signaling.inviteInGroup('g', ['bob']))).toBe(6014)
  })
})

describe('races seen by a member who is not invited', () => {
  it.each([
    ['the accept first', ['bob', 'alice']],
    ['the cancel first', ['alice', 'bob']],
  ])('accept vs cancel, %s: the cancel wins at the observer too', async (_name, order) => {
    // Arrange
    const { world, alice, bob, dave, id } = await ringing()
    world.im.hold()
    await Promise.all([bob.signaling.accept(id, 'here'), alice.signaling.cancel(id, 'over')])
    // Act: dave gets the two messages in the given order, everyone else as sent
    const toDave = world.im.inFlight().filter((d) => d.to.userID === 'dave')
    for (const sender of order) world.im.deliver(toDave.find((d) => d.from === sender)!.id)
    world.im.release()
    await world.settle()
    // Assert
    const states = [alice, bob, dave].map((party) => party.signaling.getInvitation(id)?.invitees[0]?.state)
    expect(states).toEqual(['cancelled', 'cancelled', 'cancelled'])
    expect(dave.calls().at(-1)).toBe(`onInvitationCancelled(${id}, alice, over, [bob, carol])`)
  })

  it('the invitee whose accept lost hears of the cancel', async () => {
    const { world, alice, bob, id } = await ringing()
    await Promise.all([bob.signaling.accept(id, 'here'), alice.signaling.cancel(id, 'over')])
    await world.settle()
    expect(bob.calls()).toEqual([`onInvitationCancelled(${id}, alice, over, [bob, carol])`])
  })
})

describe('a member who was offline', () => {
  it('is shown the invitation when it comes back while someone is pending', async () => {
    const { world, alice, dave } = await setup()
    dave.transport.disconnect()
    const id = await alice.signaling.inviteInGroup('g', ['bob', 'carol'], 'lesson')
    await world.advance(5_000)
    dave.transport.connect()
    await world.settle()
    expect(dave.calls()).toEqual([`onReceiveNewInvitation(${id}, alice, g, [bob, carol], lesson)`])
  })

  it('is not shown an invitation that ended while it was away', async () => {
    const { world, alice, bob, carol, dave } = await setup()
    dave.transport.disconnect()
    const id = await alice.signaling.inviteInGroup('g', ['bob', 'carol'], 'lesson')
    await world.settle()
    await bob.signaling.accept(id)
    await carol.signaling.accept(id)
    await world.settle()
    dave.transport.connect()
    await world.settle()
    expect(dave.calls().filter((call) => call.startsWith('onReceiveNewInvitation'))).toEqual([])
    expect(dave.signaling.getInvitation(id)?.invitees.map((i) => i.state)).toEqual(['accepted', 'accepted'])
  })
})

describe('bad group parameters (6017)', () => {
  it('refuses an empty invitee list', async () => {
    const { alice } = await setup()
    expect(await outcome(alice.signaling.inviteInGroup('g', []))).toBe(6017)
  })

  it('refuses an empty groupID rather than sending a 1:1 invite to the first invitee', async () => {
    const { world, alice, carol } = await setup()
    expect(await outcome(alice.signaling.inviteInGroup('', ['bob', 'carol']))).toBe(6017)
    await world.settle()
    expect([world.log(), carol.calls()]).toEqual([[], []])
  })

  it('refuses an invitee list that includes the inviter', async () => {
    const { alice } = await setup()
    expect(await outcome(alice.signaling.inviteInGroup('g', ['bob', 'alice']))).toBe(6017)
  })

  it('refuses a negative timeout', async () => {
    const { alice } = await setup()
    expect(await outcome(alice.signaling.inviteInGroup('g', ['bob'], '', { timeout: -5 }))).toBe(6017)
  })
})

describe('the classroom: students raise hands by inviting the teacher in the class group', () => {
  const classroom = async () => {
    const world = new World()
    const teacher = world.join('teacher')
    const students = ['s1', 's2', 's3'].map((name) => world.join(name))
    await teacher.transport.createGroup('class', ['s1', 's2', 's3'])
    await world.settle()
    return { world, teacher, students, everyone: [teacher, ...students] }
  }

  it('every member sees the list of raised hands grow', async () => {
    const { world, students, everyone } = await classroom()
    const raisedBy: number[][] = []
    for (const student of students) {
      await student.signaling.inviteInGroup('class', ['teacher'], 'hand')
      await world.settle()
      raisedBy.push(everyone.map((party) => party.signaling.listInvitations().filter((i) => i.active).length))
    }
    expect(raisedBy).toEqual([
      [1, 1, 1, 1],
      [2, 2, 2, 2],
      [3, 3, 3, 3],
    ])
  })

  it("every other student is shown a student's raised hand", async () => {
    const { world, students } = await classroom()
    const [s1, s2, s3] = students
    const id = await s1!.signaling.inviteInGroup('class', ['teacher'], 'hand')
    await world.settle()
    const shown = `onReceiveNewInvitation(${id}, s1, class, [teacher], hand)`
    expect([s1!.calls(), s2!.calls(), s3!.calls()]).toEqual([[], [shown], [shown]])
  })

  it("every student learns that the teacher took one student's hand", async () => {
    // Arrange
    const { world, teacher, students } = await classroom()
    const ids: string[] = []
    for (const student of students) ids.push(await student.signaling.inviteInGroup('class', ['teacher'], 'hand'))
    await world.settle()
    world.clearLog()
    // Act
    await teacher.signaling.accept(ids[1]!, 'speak')
    await world.settle()
    // Assert
    const accepted = `onInviteeAccepted(${ids[1]}, teacher, speak)`
    expect(world.log()).toEqual([`s1: ${accepted}`, `s2: ${accepted}`, `s3: ${accepted}`])
    expect(students[0]!.signaling.listInvitations().filter((i) => i.active).map((i) => i.inviter)).toEqual(['s1', 's3'])
  })
})
