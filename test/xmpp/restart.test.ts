/**
 * The server (Prosody, or every node of ejabberd) restarts while a group invitation rings (issue 3, item 5). Four invitees on six devices
 * and an observer; two answer before the restart (the second one right before the server goes
 * down, so some devices can only learn it from the archive afterwards), two try during the
 * downtime — refused with 6014, nothing queued — and answer once they are back. Every device must
 * reconnect, get every answer once, and end with the same outcome, data and answering device for
 * every invitee.
 */
import { afterEach, describe, it } from 'vitest'
import { answer, decided, expectConverged, expectPending, type Answer } from './convergence.js'
import { failureCode, Stage } from './stage.js'
import { server, sleep, until, xmppEnabled } from './support.js'

describe.skipIf(!xmppEnabled)(`a ${server.kind} restart while a group invitation rings`, () => {
  let stage: Stage | undefined
  afterEach(async () => {
    if (!server.isRunning()) await server.start() // the next test files need the server
    await stage?.close()
  })

  it('refuses answers while down (6014), loses nothing the server took, and every device converges', async ({ expect }) => {
    stage = await Stage.open(['alice', 'bob', 'carol', 'dave', 'erin', 'frank'])
    const s = stage
    const alice = await s.party('alice', 'desk')
    const [bobPhone, bobLaptop, carolPhone, carolTablet, dave, erin, frank] = await Promise.all([
      s.party('bob', 'phone'),
      s.party('bob', 'laptop'),
      s.party('carol', 'phone'),
      s.party('carol', 'tablet'),
      s.party('dave', 'phone'),
      s.party('erin', 'phone'),
      s.party('frank', 'phone'),
    ])
    const everyone = [alice, bobPhone!, bobLaptop!, carolPhone!, carolTablet!, dave!, erin!, frank!]
    const others = everyone.slice(1)

    await alice.transport.createGroup('standup', ['bob', 'carol', 'dave', 'erin', 'frank'])
    const inviteID = await alice.signaling.inviteInGroup('standup', ['bob', 'carol', 'dave', 'erin'], 'daily standup', { timeout: 60 })
    await until(() => others.every((p) => p.heardOf('onReceiveNewInvitation', inviteID).length === 1), 'every member’s devices to ring')

    const before: Answer[] = [
      { party: bobPhone!, event: 'onInviteeAccepted', data: 'bob before the restart' },
      { party: carolTablet!, event: 'onInviteeRejected', data: 'carol before the restart' },
    ]
    const after: Answer[] = [
      { party: dave!, event: 'onInviteeAccepted', data: 'dave after the restart' },
      { party: erin!, event: 'onInviteeRejected', data: 'erin after the restart' },
    ]
    for (const a of before) await answer(a, inviteID)
    // Carol's reject was taken a moment ago: some devices may not have it yet when the server stops.
    await server.stop()
    await until(() => everyone.every((p) => p.transport.connectionState !== 'connected'), 'every device to notice the server is gone')

    for (const a of after) expect(await failureCode(answer(a, inviteID)), `${a.party.label} while the server is down`).toBe(6014)
    await sleep(300)
    await server.start()
    await Promise.all(everyone.map((p) => until(() => p.transport.connectionState === 'connected', `${p.label} to reconnect`, 20_000)))
    for (const p of everyone) expect(p.states.slice(-2), p.label).toEqual(['connecting', 'connected'])

    // Nothing was queued: what dave and erin tried while down reached nobody.
    await sleep(300)
    expectPending(expect, everyone, inviteID, ['dave', 'erin'], 'before the late answers')

    for (const a of after) await answer(a, inviteID)
    await until(() => everyone.every((p) => p.outcome(inviteID)?.active === false), 'the invitation to complete on every device', 10_000)
    await sleep(300) // any late duplicate would land now

    // Every device holds the same outcome, and heard every answer but its own exactly once.
    const invitees = [
      decided('bob', 'accepted', 'bob before the restart', 'phone'),
      decided('carol', 'rejected', 'carol before the restart', 'tablet'),
      decided('dave', 'accepted', 'dave after the restart', 'phone'),
      decided('erin', 'rejected', 'erin after the restart', 'phone'),
    ]
    expectConverged(expect, everyone, inviteID, invitees, [...before, ...after])
  })
})
