/**
 * The audience of a group invitation's answers (SPEC §8, a beckon extension). `'all'`, the
 * default, is Tencent's: every member sees every answer. `'inviter'`: accept, reject and an
 * invitee's own timeout go 1:1 to the inviter's user (its devices get them, the answerer's other
 * devices get them as carbons); the invite, the inviter's cancel and timeout still go to the group.
 * Other members never see an answer: their view of another invitee ends with the inviter's
 * cancel or timeout listing it, or their own expiry. The inviter and every answerer converge.
 */
import { describe, expect, it } from 'vitest'
import { type Party, SECOND, World } from '../support/world.js'

/**
 * alice (on `default` and `laptop`) invites bob (on `phone` and `tablet`) and carol in group `g`,
 * with dave a member who is not asked.
 */
const ringing = async (audience: 'all' | 'inviter' = 'inviter', timeout = 30) => {
  const world = new World()
  const alice = world.join('alice')
  const laptop = world.join('alice', { deviceID: 'laptop' })
  const phone = world.join('bob', { deviceID: 'phone' })
  const tablet = world.join('bob', { deviceID: 'tablet' })
  const carol = world.join('carol')
  const dave = world.join('dave')
  await alice.transport.createGroup('g', ['bob', 'carol', 'dave'])
  const id = await alice.signaling.inviteInGroup('g', ['bob', 'carol'], 'standup', { timeout, audience })
  await world.settle()
  world.clearLog()
  return { world, alice, laptop, phone, tablet, carol, dave, id }
}

/** Each party's view of each invitee: `who: invitee=state(by device)`. */
const views = (parties: readonly Party[], id: string): string[] =>
  parties.map((p) => {
    const view = p.signaling.getInvitation(id)
    const invitees = view?.invitees.map((i) => `${i.userID}=${i.state}${i.deviceID ? `(${i.deviceID})` : ''}`) ?? ['unknown']
    return `${p.name}: ${invitees.join(' ')}`
  })

describe("audience 'inviter'", () => {
  it('travels on the invite, so every member knows where answers go', async () => {
    const { alice, laptop, phone, carol, dave, id } = await ringing()
    for (const party of [alice, laptop, phone, carol, dave]) expect(party.signaling.getInvitation(id)?.audience).toBe('inviter')
  })

  it("sends an accept to the inviter's devices and the answerer's other devices only", async () => {
    const { world, alice, laptop, phone, tablet, carol, dave, id } = await ringing()
    await phone.signaling.accept(id, 'here')
    await world.settle()
    const accepted = `onInviteeAccepted(${id}, bob, here)`
    expect(world.log()).toEqual([`alice: ${accepted}`, `alice/laptop: ${accepted}`, `bob/tablet: ${accepted}`])
    expect(carol.calls()).toEqual([])
    expect(dave.calls()).toEqual([])
    // The tablet stops ringing: the invitation is no longer answerable there.
    await expect(tablet.signaling.reject(id)).rejects.toMatchObject({ code: 8010 })
    expect(views([alice, laptop, phone, tablet], id).every((v) => v.includes('bob=accepted(phone)'))).toBe(true)
  })

  it('keeps the default, Tencent’s: every member sees every answer', async () => {
    const { world, phone, id } = await ringing('all')
    await phone.signaling.accept(id, 'here')
    await world.settle()
    const accepted = `onInviteeAccepted(${id}, bob, here)`
    expect(world.log()).toEqual([`alice: ${accepted}`, `alice/laptop: ${accepted}`, `bob/tablet: ${accepted}`, `carol: ${accepted}`, `dave: ${accepted}`])
  })

  it("sends an invitee's own timeout to the inviter; the others learn from the inviter's timeout or their expiry", async () => {
    // Arrange: bob answers, carol lets it ring out.
    const { world, alice, laptop, phone, tablet, carol, dave, id } = await ringing()
    await phone.signaling.reject(id, 'busy')
    await world.settle()

    // Act / Assert: carol's own timeout at 30 s reaches alice's devices only.
    await world.advanceTo(30 * SECOND)
    expect(world.log().filter((l) => l.includes('carol]'))).toEqual([
      `carol: onInvitationTimeout(${id}, [carol])`,
      `alice: onInvitationTimeout(${id}, [carol])`,
      `alice/laptop: onInvitationTimeout(${id}, [carol])`,
    ])
    expect(dave.calls().filter((c) => c.startsWith('onInvitationTimeout'))).toEqual([])

    // alice's device has no one pending at 35 s: it sends nothing; dave's view ends at its expiry (40 s).
    await world.advanceTo(41 * SECOND)
    expect(dave.calls()).toEqual([`onInvitationTimeout(${id}, [bob, carol])`])
    for (const party of [alice, laptop, phone, tablet, carol, dave]) expect(party.signaling.getInvitation(id)?.active).toBe(false)
    // bob's devices never saw carol's answer: their view of her ended at their own expiry.
    expect(views([alice, laptop, phone, tablet], id)).toEqual([
      'alice: bob=rejected(phone) carol=timedOut(default)',
      'alice/laptop: bob=rejected(phone) carol=timedOut(default)',
      'bob/phone: bob=rejected(phone) carol=timedOut',
      'bob/tablet: bob=rejected(phone) carol=timedOut',
    ])
  })

  it("lists the still pending in the inviter's timeout, to the group", async () => {
    const { world, alice, phone, carol, dave, id } = await ringing()
    await phone.signaling.accept(id, 'here')
    await world.settle()
    carol.transport.disconnect() // carol's own timeout never goes out
    await world.advanceTo(36 * SECOND)
    expect(dave.calls()).toEqual([`onInvitationTimeout(${id}, [carol])`])
    expect(alice.signaling.getInvitation(id)?.invitees.map((i) => i.state)).toEqual(['accepted', 'timedOut'])
  })

  it("sends the inviter's cancel to the group", async () => {
    const { world, alice, phone, carol, dave, id } = await ringing()
    await phone.signaling.accept(id, 'here')
    await world.settle()
    await alice.signaling.cancel(id, 'never mind')
    await world.settle()
    const cancelled = `onInvitationCancelled(${id}, alice, "never mind", [carol])`
    expect(carol.calls()).toEqual([cancelled])
    expect(dave.calls()).toEqual([cancelled])
    expect(phone.calls()).toEqual([cancelled])
  })
})

describe("audience 'inviter' under races", () => {
  const parties = (r: Awaited<ReturnType<typeof ringing>>) => [r.alice, r.laptop, r.phone, r.tablet]

  it.each([
    ['the cancel first', (ids: string[]) => [...ids].reverse()],
    ['the accept first', (ids: string[]) => ids],
  ])('an accept crossing a cancel: the inviter and every answering device converge on cancelled (%s)', async (_, order) => {
    // Arrange
    const r = await ringing()
    r.world.im.hold()

    // Act: both are sent before either arrives anywhere.
    await Promise.all([r.phone.signaling.accept(r.id, 'here'), r.alice.signaling.cancel(r.id, 'stop')])
    const deliveries = order(r.world.im.inFlight().map((d) => d.id))
    for (const delivery of deliveries) r.world.im.deliver(delivery)
    r.world.im.release()
    await r.world.settle()

    // Assert
    const converged = views(parties(r), r.id).map((v) => v.slice(v.indexOf(':')))
    expect(new Set(converged).size).toBe(1)
    expect(converged[0]).toBe(': bob=cancelled(default) carol=cancelled(default)')
    expect(r.dave.signaling.getInvitation(r.id)?.invitees.map((i) => i.state)).toEqual(['cancelled', 'cancelled'])
  })

  it('two devices of the answerer crossing: accepted beats rejected at the inviter and on both devices', async () => {
    const r = await ringing()
    r.world.im.hold()
    await Promise.all([r.tablet.signaling.reject(r.id, 'no'), r.phone.signaling.accept(r.id, 'yes')])
    for (const delivery of [...r.world.im.inFlight()].reverse()) r.world.im.deliver(delivery.id)
    r.world.im.release()
    await r.world.settle()
    expect(views(parties(r), r.id).map((v) => v.slice(v.indexOf(':')))).toEqual(Array(4).fill(': bob=accepted(phone) carol=pending'))
    expect(r.tablet.calls()).toEqual([`onInviteeAccepted(${r.id}, bob, yes)`])
  })

  it('an answer that overtakes its invite is held, then applied when the audience is known', async () => {
    // Arrange: the tablet is away when the invite goes out, and catches up only after the carbon.
    const world = new World()
    const alice = world.join('alice')
    const phone = world.join('bob', { deviceID: 'phone' })
    const tablet = world.join('bob', { deviceID: 'tablet' })
    await alice.transport.createGroup('g', ['bob'])
    world.im.hold()
    const id = await alice.signaling.inviteInGroup('g', ['bob'], 'x', { audience: 'inviter' })
    const toPhone = world.im.inFlight().find((d) => d.to.deviceID === 'phone')!
    const toTablet = world.im.inFlight().find((d) => d.to.deviceID === 'tablet')!
    world.im.deliver(toPhone.id)
    await world.settle()

    // Act: the phone's accept reaches the tablet before the invite does.
    await phone.signaling.accept(id, 'yes')
    const carbon = world.im.inFlight().find((d) => d.to.deviceID === 'tablet' && d.conversation.kind === 'user')!
    world.im.deliver(carbon.id)
    await world.settle()
    world.im.deliver(toTablet.id)
    world.im.release()
    await world.settle()

    // Assert
    expect(tablet.signaling.getInvitation(id)?.invitees.map((i) => `${i.state}(${i.deviceID})`)).toEqual(['accepted(phone)'])
    // It does not ring: the tablet only learns that the call was answered on the phone.
    expect(tablet.calls()).toEqual([`onInviteeAccepted(${id}, bob, yes)`])
    expect(tablet.signaling.diagnosticCounts()['conversation-mismatch']).toBeUndefined()
    expect(tablet.signaling.diagnosticCounts().held).toBe(1)
  })
})

describe("a 1:1 answer about a group invitation whose audience is 'all'", () => {
  it('is refused as a conversation mismatch, known or held', async () => {
    // Arrange: carol forges a private accept to alice about an invitation answered in the group.
    const world = new World()
    const alice = world.join('alice')
    const bob = world.join('bob')
    await alice.transport.createGroup('g', ['bob'])
    const id = await alice.signaling.inviteInGroup('g', ['bob'], 'x')
    const privateAccept = (inviteID: string) => ({
      sender: 'bob',
      conversation: { kind: 'user', userID: 'bob' } as const,
      payload: JSON.stringify({ businessID: 1, inviteID, groupID: 'g', inviter: 'alice', inviteeList: ['bob'], data: '', timeout: 30, actionType: 3, onlineUserOnly: false }),
    })

    // Act: once about the known invitation, once before another invitation is known to alice/laptop.
    world.im.inject({ userID: 'alice' }, privateAccept(id))
    const laptop = world.join('alice', { deviceID: 'laptop' })
    world.im.inject({ userID: 'alice', deviceID: 'laptop' }, privateAccept(id))
    await world.settle()

    // Assert
    expect(alice.signaling.getInvitation(id)?.invitees[0]?.state).toBe('pending')
    expect(alice.signaling.diagnosticCounts()['conversation-mismatch']).toBe(1)
    expect(laptop.signaling.getInvitation(id)?.invitees[0]?.state).toBe('pending')
    expect(laptop.signaling.diagnosticCounts()['conversation-mismatch']).toBe(1)
    expect(laptop.signaling.diagnosticCounts().held).toBe(1)
    expect(bob.calls()).toHaveLength(1)
  })
})
