/**
 * Offline push (XEP-0357) end to end: devices register a push service with the real Prosody, whose
 * push module (mod_cloud_notify) notifies that service — a loopback component recording what it is
 * sent — of what is stored for a device while it is away. The invitation's `offlinePushInfo`
 * must reach the service in the notification, for 1:1 and group invitations; without it (or with
 * `disablePush`) a notification carries no push info; online-only invitations are never stored,
 * so nothing is pushed for them.
 *
 * Every test has fresh accounts and its own push node, so a registration left by one test never
 * shows in another's assertions.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { readPushBody, type PushService as PushRegistration, type XmppTransport, type XmppTransportOptions } from '@beckon/adapter-im'
import { createSignaling, type OfflinePushInfo, type Signaling } from '@beckon/core'
import { PushService, type Notification } from './pushService.js'
import { registerAccounts } from './stage.js'
import { connected, device, settings, until, uniqueName, xmppEnabled } from './support.js'

const CALL: OfflinePushInfo = { title: 'alice', description: 'Incoming video call', extension: '{"call_type":2,"room_id":42}' }

describe.skipIf(!xmppEnabled)('offline push through Prosody’s mod_cloud_notify (XEP-0357)', () => {
  let service: PushService
  const open: XmppTransport[] = []
  const signalings: Signaling[] = []

  beforeAll(async () => {
    service = await PushService.connect()
  })
  afterAll(() => service.close())
  afterEach(async () => {
    for (const signaling of signalings.splice(0)) signaling.close()
    await Promise.all(open.splice(0).map((t) => t.disconnect()))
  })

  /** Fresh accounts for this test: `names` → `name-<unique>`. */
  const cast = async <const N extends string>(...names: N[]): Promise<Record<N, string>> => {
    const suffix = uniqueName('p')
    const accounts = Object.fromEntries(names.map((name) => [name, `${name}-${suffix}`])) as Record<N, string>
    await registerAccounts(Object.values(accounts))
    return accounts
  }
  const login = async (account: string, deviceID: string, options: Partial<XmppTransportOptions> = {}): Promise<XmppTransport> => {
    const transport = device(account, deviceID, options)
    open.push(transport)
    await connected(transport)
    return transport
  }
  const signalingOf = (transport: XmppTransport): Signaling => {
    const signaling = createSignaling({ transport })
    signalings.push(signaling)
    return signaling
  }
  const registration = (account: string): PushRegistration => ({ jid: service.jid, node: uniqueName(`${account}-phone`), publishOptions: { secret: `s3cret-${account}` } })
  const sentTo = (node: string): Notification[] => service.notifications.filter((n) => n.node === node)
  const me = (account: string): string => `${account}@${settings.domain}`.toLowerCase()

  it('notifies a device that went away of an invitation, with its offlinePushInfo, and the device rings when it is back', async () => {
    const { alice, bob } = await cast('alice', 'bob')
    const push = registration(bob)
    const phone = await login(bob, 'phone', { push })
    await phone.disconnect()
    const inviter = signalingOf(await login(alice, 'laptop'))
    const inviteID = await inviter.invite(bob, '{"room_id":42}', { offlinePushInfo: CALL })

    await until(() => sentTo(push.node).length === 1, 'the push notification')
    const [notification] = sentTo(push.node)
    expect(readPushBody(notification?.summary['last-message-body'])).toEqual({ title: 'alice', description: 'Incoming video call', extension: '{"call_type":2,"room_id":42}' })
    expect(notification?.summary['last-message-sender']).toBe(`${me(alice)}/laptop`)
    expect(notification?.summary['message-count']).toBe('1')
    expect(notification?.publishOptions['secret']).toBe(`s3cret-${bob}`)

    const rang: string[] = []
    const invitee = signalingOf(phone)
    invitee.addSignalingListener({ onReceiveNewInvitation: (id) => rang.push(id) })
    phone.connect()
    await connected(phone)
    await until(() => rang.includes(inviteID), 'the device to ring once it is back')
  })

  it('carries no push info for an invitation without offlinePushInfo or with disablePush, and pushes nothing for an online-only one', async () => {
    const { alice, bob } = await cast('alice', 'bob')
    const push = registration(bob)
    const phone = await login(bob, 'phone', { push })
    await phone.disconnect()
    const inviter = signalingOf(await login(alice, 'laptop'))
    await inviter.invite(bob, 'plain')
    await inviter.invite(bob, 'quiet', { offlinePushInfo: { ...CALL, disablePush: true } })
    await inviter.invite(bob, 'online only', { onlineUserOnly: true, offlinePushInfo: CALL })
    // A last invitation with push info: the server handles one sender's messages in order, so
    // once its notification is in, any notification for the ones before would be too.
    await inviter.invite(bob, 'marker', { offlinePushInfo: { description: 'the last one' } })

    await until(() => sentTo(push.node).some((n) => readPushBody(n.summary['last-message-body']) !== undefined), 'the last invitation’s notification')
    const bodies = sentTo(push.node).map((n) => readPushBody(n.summary['last-message-body']) ?? null)
    // The stock module notifies for every stored message; only the one with push info says what to show.
    expect(bodies).toEqual([null, null, { description: 'the last one' }])
  })

  it('pushes while the device hibernates after a dropped connection (XEP-0198), not only once its session has ended', async () => {
    const { alice, bob } = await cast('alice', 'bob')
    const push = registration(bob)
    // Reconnecting a minute later: the server holds the dropped session meanwhile.
    const phone = await login(bob, 'phone', { push, reconnectDelayMs: 60_000 })
    phone.dropConnection()
    await until(() => phone.connectionState !== 'connected', 'the device to notice the drop')
    const inviter = signalingOf(await login(alice, 'laptop'))
    await inviter.invite(bob, 'call', { offlinePushInfo: CALL })
    // What the dropped session had not acknowledged (its own presence, say) is notified too, without push info.
    const carrying = (): Notification | undefined => sentTo(push.node).find((n) => readPushBody(n.summary['last-message-body']) !== undefined)
    await until(() => carrying() !== undefined, 'the notification with the push info')
    expect(readPushBody(carrying()?.summary['last-message-body'])).toMatchObject({ description: 'Incoming video call' })
    expect(carrying()?.summary['last-message-sender']).toBe(`${me(alice)}/laptop`)
  })

  it('pushes to a device that is away while another device of its user is online', async () => {
    const { alice, bob } = await cast('alice', 'bob')
    const push = registration(bob)
    const phone = await login(bob, 'phone', { push })
    await phone.disconnect()
    const rang: string[] = []
    const laptop = signalingOf(await login(bob, 'laptop'))
    laptop.addSignalingListener({ onReceiveNewInvitation: (id) => rang.push(id) })
    const inviter = signalingOf(await login(alice, 'laptop'))
    const inviteID = await inviter.invite(bob, 'call', { offlinePushInfo: CALL })
    await until(() => rang.includes(inviteID) && sentTo(push.node).length > 0, 'the laptop to ring and the phone to be notified')
    expect(readPushBody(sentTo(push.node)[0]?.summary['last-message-body'])).toMatchObject({ title: 'alice' })
  })

  it('notifies the away members of a group invitation with its push info, and they ring from the room’s archive when back', async () => {
    const { alice, bob, carol } = await cast('alice', 'bob', 'carol')
    const push = registration(bob)
    const group = uniqueName('class')
    const phone = await login(bob, 'phone', { push })
    const teacherDevice = await login(alice, 'laptop')
    await teacherDevice.createGroup(group, [alice, bob, carol])
    const carolRang: string[] = []
    const carolSignaling = signalingOf(await login(carol, 'laptop'))
    carolSignaling.addSignalingListener({ onReceiveNewInvitation: (id) => carolRang.push(id) })
    await phone.disconnect()
    const teacher = signalingOf(teacherDevice)
    const inviteID = await teacher.inviteInGroup(group, [bob, carol], 'raise hands', { offlinePushInfo: { title: 'class', description: 'Raise your hand?' } })

    await until(() => sentTo(push.node).length > 0 && carolRang.includes(inviteID), 'bob’s notification and carol’s ring')
    const [notification] = sentTo(push.node)
    expect(readPushBody(notification?.summary['last-message-body'])).toEqual({ title: 'class', description: 'Raise your hand?' })
    expect(notification?.summary['last-message-sender']).toBe(`${me(alice)}/laptop`)
    expect(carolRang).toEqual([inviteID]) // the notice is no invitation: carol, online, rings once

    const rang: string[] = []
    signalingOf(phone).addSignalingListener({ onReceiveNewInvitation: (id) => rang.push(id) })
    phone.connect()
    await connected(phone)
    await until(() => rang.includes(inviteID), 'bob’s device to ring once it is back')
    expect(rang).toEqual([inviteID])
  })

  it('does not notify a device while it is online, and stops notifying once push is disabled', async () => {
    const { alice, bob, carol } = await cast('alice', 'bob', 'carol')
    const bobPush = registration(bob)
    const carolPush = registration(carol)
    const phone = await login(bob, 'phone')
    await phone.enablePush(bobPush)
    const carolPhone = await login(carol, 'phone', { push: carolPush })
    await carolPhone.disconnect()
    const inviter = signalingOf(await login(alice, 'laptop'))
    const rang: string[] = []
    signalingOf(phone).addSignalingListener({ onReceiveNewInvitation: (id) => rang.push(id) })
    const live = await inviter.invite(bob, 'while online', { offlinePushInfo: CALL })
    await until(() => rang.includes(live), 'the online device to ring')
    await phone.disablePush()
    await phone.disconnect()
    await inviter.invite(bob, 'after disabling', { offlinePushInfo: CALL })
    // carol's registration is the marker: the server handles alice's messages in order.
    await inviter.invite(carol, 'marker', { offlinePushInfo: CALL })
    await until(() => sentTo(carolPush.node).length > 0, 'carol’s notification')
    expect(sentTo(bobPush.node)).toEqual([])
  })
})
