/**
 * A device process killed, kept down for 11 minutes, restarted (issue 11, item 4): it sits in its
 * group again, rings for what is still live and reports what ended meanwhile, each exactly once.
 *
 * Bob's phone is a process of its own (`deviceProcess.ts`), as an app runs it: the transport keeps
 * its place in a file store, the app saves `snapshot()` on every state change and restores it at
 * start. It is killed with SIGKILL (no goodbye to the server, no last write), and started again as
 * a new process from its files.
 *
 * **How "11 minutes down" is made honest.** Waiting 11 real minutes is not possible in CI, and
 * rewriting stamps, or sending invitations with long timeouts and pretending they were sent long
 * ago, would test a world no server produces. Instead the server's own clock moves: this test runs
 * its own Prosody under libfaketime (`clockedProsody.ts`) and, while the phone is down, sets that
 * server's clock 11 minutes ahead. For the server — the only clock beckon's deadlines and archive
 * queries use — 11 minutes have then passed: what was said during the downtime is archived with
 * stamps 11 minutes before the server's "now", its XEP-0202 answers say so, its timers (such as
 * the killed session's stream-management hibernation) have run out. The other devices disconnect
 * before the jump and reconnect after it, as devices away for that time would, and measure the
 * server's clock afresh. A control device of the same user without a store logs in after the jump
 * and must see none of it: that proves the messages lie beyond the adapter's default look-back of
 * 10 minutes, which is what the saved place has to defeat. What real time alone would add (TCP
 * keep-alives, the kernel's timers) plays no part in catch-up.
 *
 * The restarted phone's app sets `limits.retentionMs` to an hour: the engine ignores messages
 * older than its retention (10 minutes by default), so an app that means to survive a downtime of
 * D keeps D of retention. That is the engine's rule; reaching those messages is the adapter's part.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, it } from 'vitest'
import type { XmppTransport } from '@beckon/adapter-im'
import { fileStore } from '@beckon/adapter-im/node'
import { decodePlace, placeKey } from '../../packages/adapter-im/src/place.js'
import { RenamedTransport, suffixed, whenConnected } from '../../examples/xmpp.js'
import { ChildDevice } from './childDevice.js'
import { ClockedProsody } from './clockedProsody.js'
import type { DeviceConfig } from './deviceProcess.js'
import { Party } from './stage.js'
import { sleep, uniqueName, until, xmppEnabled } from './support.js'

const DOWN_SECONDS = 11 * 60

describe.skipIf(!xmppEnabled)('a device process killed and restarted after 11 minutes of server time', () => {
  let server: ClockedProsody
  let files: string
  const parties: Party[] = []
  const others: XmppTransport[] = []
  const children: ChildDevice[] = []

  beforeAll(async () => {
    server = await ClockedProsody.start()
    files = mkdtempSync(join(tmpdir(), 'beckon-device-'))
  })
  afterAll(async () => {
    for (const child of children) await child.kill('SIGKILL')
    for (const party of parties) party.signaling.close()
    await Promise.all([...parties.map((p) => p.device.disconnect()), ...others.map((t) => t.disconnect())])
    await server?.stop()
    if (files !== undefined) rmSync(files, { recursive: true, force: true })
  })

  it('sits in its group again, rings for what is still live and reports what ended meanwhile, exactly once', async ({ expect }) => {
    // Arrange: alice, carol, bob's laptop in this process; bob's phone in a process of its own.
    const suffix = uniqueName('p')
    const naming = suffixed(suffix)
    await server.register(['alice', 'bob', 'carol'].map(naming.toServer))
    const party = async (name: string, deviceID: string): Promise<Party> => {
      const device = server.device(naming.toServer(name), deviceID)
      const p = new Party(name, device, new RenamedTransport(device, naming))
      parties.push(p)
      await whenConnected(p.transport)
      return p
    }
    const [alice, carol, laptop] = await Promise.all([party('alice', 'desk'), party('carol', 'phone'), party('bob', 'laptop')])
    const phoneConfig: DeviceConfig = {
      transport: server.deviceOptions(naming.toServer('bob'), 'phone'),
      suffix,
      storeDirectory: join(files, 'store'),
      snapshotPath: join(files, 'snapshot.json'),
      retentionMs: 60 * 60_000,
    }
    const phone = await ChildDevice.start(phoneConfig)
    children.push(phone)

    // Before the crash: a group (the phone learns of it by invitation), and three invitations ringing.
    await alice.transport.createGroup('team', ['bob', 'carol'])
    const callA = await alice.signaling.invite('bob', 'call A', { timeout: 0 })
    const callKept = await alice.signaling.invite('bob', 'call kept', { timeout: 3600 })
    const groupG = await alice.signaling.inviteInGroup('team', ['bob', 'carol'], 'group G', { timeout: 3600 })
    const before = [callA, callKept, groupG]
    await until(() => before.every((id) => phone.heardOf('onReceiveNewInvitation', id).length === 1), 'the phone to ring for all three')
    for (const id of before) expect(phone.heardOf('onReceiveNewInvitation', id), 'the first run rang once').toHaveLength(1)

    // The phone's place catches up with what it heard (saved with its lag), rooms included.
    const lastSent = Math.max(...before.map((id) => alice.signaling.getInvitation(id)!.serverTime))
    const roomJid = `${naming.toServer('team')}@${server.settings.mucDomain}`
    const store = fileStore(phoneConfig.storeDirectory)
    const key = placeKey(`${naming.toServer('bob')}@${server.settings.domain}`, 'phone')
    const passed = async (): Promise<boolean> => {
      const place = decodePlace((await store.get(key)) ?? '')
      return (place?.userReadTo ?? 0) > lastSent && (place?.rooms[roomJid]?.readTo ?? 0) > lastSent
    }
    for (const deadline = Date.now() + 30_000; !(await passed()); await sleep(250)) {
      if (Date.now() > deadline) throw new Error('the phone’s saved place did not pass the last invitation within 30 s')
    }

    // Act: the crash.
    await phone.kill('SIGKILL')

    // While it is down: one invitation cancelled, one answered by others, two new ones.
    await alice.signaling.cancel(callA, 'never mind')
    await laptop.signaling.reject(groupG, 'bob is busy (on the laptop)')
    await carol.signaling.accept(groupG, 'carol joins')
    const callNew = await alice.signaling.invite('bob', 'call while down', { timeout: 3600 })
    const groupNew = await alice.signaling.inviteInGroup('team', ['bob'], 'group while down', { timeout: 3600 })
    await until(() => laptop.heardOf('onReceiveNewInvitation', groupNew).length === 1 && laptop.heardOf('onInviteeAccepted', groupG).length === 1, 'the laptop to hear it all')

    // 11 minutes pass for the server, with everyone away.
    await Promise.all([alice, carol, laptop].map((p) => p.device.disconnect()))
    await server.moveClock(DOWN_SECONDS)
    alice.device.connect()
    await whenConnected(alice.transport)
    expect(alice.device.serverNow() - Date.now(), 'the server’s clock as alice now measures it, ahead of the real one').toBeGreaterThan((DOWN_SECONDS - 5) * 1000)

    // A control: bob's tablet, a new device with no saved place, logging in now.
    const tablet = server.device(naming.toServer('bob'), 'tablet')
    others.push(tablet)
    const tabletSaw = new Set<string>()
    tablet.onMessage((message) => tabletSaw.add((JSON.parse(message.payload) as { inviteID: string }).inviteID))
    await whenConnected(tablet)

    // The restart: a new process from the phone's files.
    const restarted = await ChildDevice.start(phoneConfig)
    children.push(restarted)
    const expectedRings = [callKept, callNew, groupNew]
    await until(
      () =>
        expectedRings.every((id) => restarted.heardOf('onReceiveNewInvitation', id).length > 0) &&
        restarted.heardOf('onInvitationCancelled', callA).length > 0 &&
        restarted.heardOf('onInviteeRejected', groupG).length > 0 &&
        restarted.heardOf('onInviteeAccepted', groupG).length > 0,
      'the restarted phone to ring and report',
      20_000,
    )
    await sleep(1_000) // a duplicate would land now

    // Assert: the control saw none of it — all of it lies beyond the default 10 minutes.
    for (const id of [...before, callNew, groupNew]) expect(tabletSaw.has(id), `the tablet without a place saw ${id}`).toBe(false)

    // Rings for what is still live, once each; nothing rings that ended meanwhile.
    const rings = restarted.heard.filter((h) => h.event === 'onReceiveNewInvitation')
    expect(rings.map((h) => h.inviteID).sort()).toEqual([...expectedRings].sort())
    expect(rings.find((h) => h.inviteID === groupNew)).toMatchObject({ who: 'alice', list: ['bob'], data: 'group while down' })
    // What ended meanwhile, reported once, with who and what.
    const reports = restarted.heard.filter((h) => h.event !== 'onReceiveNewInvitation')
    expect(reports).toHaveLength(3)
    expect(reports).toEqual(
      expect.arrayContaining([
        { event: 'onInvitationCancelled', inviteID: callA, who: 'alice', list: ['bob'], data: 'never mind' },
        { event: 'onInviteeRejected', inviteID: groupG, who: 'bob', list: ['bob'], data: 'bob is busy (on the laptop)' },
        { event: 'onInviteeAccepted', inviteID: groupG, who: 'carol', list: ['carol'], data: 'carol joins' },
      ]),
    )
    expect(restarted.errors).toEqual([])

    // And the restarted phone acts: it answers in the room it sat in again, and 1:1.
    expect(await restarted.answer('accept', groupNew, 'bob takes the group call')).toBeUndefined()
    expect(await restarted.answer('accept', callNew, 'bob picks up')).toBeUndefined()
    await until(() => alice.heardOf('onInviteeAccepted', callNew).length === 1 && alice.heardOf('onInviteeAccepted', groupNew).length === 1, 'alice to hear both answers')
    expect(alice.outcome(callNew)?.invitees).toEqual([{ userID: 'bob', state: 'accepted', data: 'bob picks up', deviceID: 'phone' }])
    expect(alice.outcome(groupNew)?.invitees).toEqual([{ userID: 'bob', state: 'accepted', data: 'bob takes the group call', deviceID: 'phone' }])
  })
})
