/**
 * One node of a two-node ejabberd cluster stops while a group invitation rings, and starts again
 * (runs only against a cluster: `npm run test:cluster`). The devices alternate between the nodes,
 * so the inviter and half of every user's devices stay up while the other half lose their server.
 *
 * Two invitees answer before the stop (one on each node); during the downtime an invitee on the
 * surviving node answers — accepted, as the cluster is still serving — and one on the stopped node
 * is refused with 6014, nothing queued; it answers once back. Every device must end with the same
 * outcome, data and answering device for every invitee, and get every answer exactly once: what
 * the surviving node took while its peer was down reaches the returning devices from the archive
 * their node copied back from the cluster.
 */
import { afterEach, describe, it } from 'vitest'
import { answer, decided, expectConverged, expectPending, type Answer } from './convergence.js'
import { failureCode, Stage } from './stage.js'
import { nodeOf, server, sleep, until, xmppEnabled } from './support.js'

const STOPPED = 2

describe.skipIf(!xmppEnabled || server.ports.length < 2)('a cluster node stops and starts again while a group invitation rings', () => {
  let stage: Stage | undefined
  afterEach(async () => {
    if (!server.isRunning()) await server.start() // the next test files need every node
    await stage?.close()
  })

  it('the other node keeps serving, nothing is lost, and every device on either node converges', async ({ expect }) => {
    stage = await Stage.open(['alice', 'bob', 'carol', 'dave', 'erin', 'frank'])
    const s = stage
    const alice = await s.party('alice', 'desk')
    // Created in this order, the devices alternate between the nodes (support.ts).
    const bobPhone = await s.party('bob', 'phone')
    const bobLaptop = await s.party('bob', 'laptop')
    const carolPhone = await s.party('carol', 'phone')
    const carolTablet = await s.party('carol', 'tablet')
    const dave = await s.party('dave', 'phone')
    const erin = await s.party('erin', 'phone')
    const frank = await s.party('frank', 'phone')
    const everyone = [alice, bobPhone, bobLaptop, carolPhone, carolTablet, dave, erin, frank]
    const others = everyone.slice(1)
    const down = everyone.filter((p) => nodeOf(p.device) === STOPPED)
    const up = everyone.filter((p) => nodeOf(p.device) !== STOPPED)
    expect(down.map((p) => p.label)).toEqual(['bob/phone', 'carol/phone', 'dave/phone', 'frank/phone'])

    await alice.transport.createGroup('standup', ['bob', 'carol', 'dave', 'erin', 'frank'])
    const inviteID = await alice.signaling.inviteInGroup('standup', ['bob', 'carol', 'dave', 'erin'], 'daily standup', { timeout: 60 })
    await until(() => others.every((p) => p.heardOf('onReceiveNewInvitation', inviteID).length === 1), 'every member’s devices to ring', 20_000)

    const before: Answer[] = [
      { party: bobPhone, event: 'onInviteeAccepted', data: 'bob before the stop' },
      { party: carolTablet, event: 'onInviteeRejected', data: 'carol before the stop' },
    ]
    const meanwhile: Answer = { party: erin, event: 'onInviteeAccepted', data: 'erin while node 2 is down' }
    const after: Answer = { party: dave, event: 'onInviteeRejected', data: 'dave after node 2 is back' }
    for (const a of before) await answer(a, inviteID)
    // Carol's reject was taken a moment ago: devices on the stopping node may not have it yet.
    await server.stopNode(STOPPED)
    await until(() => down.every((p) => p.transport.connectionState !== 'connected'), 'the devices on the stopped node to notice')
    expect(up.map((p) => `${p.label} ${p.transport.connectionState}`)).toEqual(up.map((p) => `${p.label} connected`))

    await answer(meanwhile, inviteID)
    expect(await failureCode(answer(after, inviteID)), 'dave while his node is down').toBe(6014)
    await until(() => up.every((p) => p === erin || p.heardOf('onInviteeAccepted', inviteID).some((h) => h.who === 'erin')), 'the devices still up to hear erin')

    await sleep(300)
    await server.startNode(STOPPED)
    await Promise.all(down.map((p) => until(() => p.transport.connectionState === 'connected', `${p.label} to reconnect`, 30_000)))
    for (const p of down) expect(p.states.slice(-2), p.label).toEqual(['connecting', 'connected'])

    await sleep(300) // nothing was queued: what dave tried while down reached nobody
    expectPending(expect, everyone, inviteID, ['dave'], 'before dave’s late answer')

    await answer(after, inviteID)
    await until(() => everyone.every((p) => p.outcome(inviteID)?.active === false), 'the invitation to complete on every device', 15_000)
    await sleep(300) // any late duplicate would land now

    // Every device holds the same outcome, and heard every answer but its own exactly once.
    const invitees = [
      decided('bob', 'accepted', 'bob before the stop', 'phone'),
      decided('carol', 'rejected', 'carol before the stop', 'tablet'),
      decided('dave', 'rejected', 'dave after node 2 is back', 'phone'),
      decided('erin', 'accepted', 'erin while node 2 is down', 'phone'),
    ]
    expectConverged(expect, everyone, inviteID, invitees, [...before, meanwhile, after])
  })
})
