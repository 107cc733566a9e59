/**
 * Every bad call says which parameter is wrong, what was expected and what was given — and says
 * it as the SPEC's contract has it: a promise method rejects with a `SignalingError` (6017 for a
 * bad parameter, 8013 for a group it cannot use), a synchronous method or `createSignaling`
 * throws a `TypeError` (a programmer error, found on the first run).
 *
 * One table per kind of call, one row per mistake seen in apps: each row names the parameter, and
 * the value given as the message shows it. Calls in the Tencent Web SDK's shape (an options object
 * where an id is expected, an event name for a listener) are refused with a message of their own
 * that names the native call, and are left out of these tables.
 */
import { describe, expect, it } from 'vitest'
import { createSignaling, SignalingError, type Signaling, type SignalingOptions } from '@beckon/core'
import { MemoryIm } from '@beckon/adapter-memory'
import { World } from '../support/world.js'

/** alice with an invitation to bob, in a world where alice and bob are in group `g`. */
const setup = async () => {
  const world = new World()
  const alice = world.join('alice')
  const bob = world.join('bob')
  world.join('carol')
  await alice.transport.createGroup('g', ['bob'])
  await world.im.connect('carol', { deviceID: 'owner' }).createGroup('h', ['bob'])
  const id = await alice.signaling.invite('bob', 'room')
  await world.settle()
  return { world, alice: alice.signaling, bob: bob.signaling, id }
}

type Setup = Awaited<ReturnType<typeof setup>>

/** How a call went wrong: its SignalingError's code and message, or what it threw. */
const failureOf = async (call: () => unknown): Promise<{ code?: number; threw?: string; message: string } | 'succeeded'> => {
  try {
    await call()
    return 'succeeded'
  } catch (error) {
    if (error instanceof SignalingError) return { code: error.code, message: error.message }
    if (error instanceof Error) return { threw: error.name, message: error.message }
    throw error
  }
}

const notAFunction = 'callback' as unknown as () => void
const noop = () => {}
// The casts stand for what a JavaScript caller, or a TypeScript caller with `any`, can write.
/* eslint-disable @typescript-eslint/no-explicit-any */
const loose = (s: Signaling): any => s

describe.each<[string, (s: Setup) => unknown, number, RegExp]>([
  // invite(invitee, data?, options?)
  ['invite with no invitee', ({ alice }) => loose(alice).invite(), 6017, /^InvalidParameter \(6017\): invite: invitee: expected a user ID \(a non-empty string of at most 256 characters\), got undefined$/],
  ['invite with an empty invitee', ({ alice }) => alice.invite(''), 6017, /invite: invitee: expected a user ID .*, got ""$/],
  ['invite with a number for the invitee', ({ alice }) => loose(alice).invite(42), 6017, /invite: invitee: expected a user ID .*, got 42$/],
  ['invite of oneself', ({ alice }) => alice.invite('alice'), 6017, /invite: invitee: expected another user than this device's own \(alice\), got "alice"$/],
  ['invite with a number for data', ({ alice }) => loose(alice).invite('bob', 42), 6017, /invite: data: expected a string \(or nothing\), got 42$/],
  ['invite with a string for options', ({ alice }) => loose(alice).invite('bob', 'room', 'yes'), 6017, /invite: options: expected an object of invite options \(or nothing\), got "yes"$/],
  ['invite with a misspelled option', ({ alice }) => loose(alice).invite('bob', 'room', { timout: 30 }), 6017, /invite: options\.timout: not an invite option \(did you mean timeout\?\); expected timeout, onlineUserOnly, offlinePushInfo, audience$/],
  ['invite with a negative timeout', ({ alice }) => alice.invite('bob', 'room', { timeout: -1 }), 6017, /invite: options\.timeout: expected a number of seconds from 0 to 2147483, got -1$/],
  ['invite with a string timeout', ({ alice }) => loose(alice).invite('bob', 'room', { timeout: '30' }), 6017, /invite: options\.timeout: expected a number of seconds .*, got "30"$/],
  ["invite with onlineUserOnly: 'yes'", ({ alice }) => loose(alice).invite('bob', 'room', { onlineUserOnly: 'yes' }), 6017, /invite: options\.onlineUserOnly: expected true or false, got "yes"$/],
  ['invite with an unknown audience', ({ alice }) => loose(alice).invite('bob', 'room', { audience: 'everyone' }), 6017, /invite: options\.audience: expected "all" or "inviter", got "everyone"$/],
  ['invite with a string offlinePushInfo', ({ alice }) => loose(alice).invite('bob', 'room', { offlinePushInfo: 'push' }), 6017, /invite: options\.offlinePushInfo: expected an object .*, got "push"$/],
  ['invite with a number push title', ({ alice }) => loose(alice).invite('bob', 'room', { offlinePushInfo: { title: 1 } }), 6017, /invite: options\.offlinePushInfo\.title: expected a string, got 1$/],
  // inviteInGroup(groupID, inviteeList, data?, options?)
  ['inviteInGroup with no group', ({ alice }) => loose(alice).inviteInGroup(undefined, ['bob']), 6017, /inviteInGroup: groupID: expected a group ID \(a non-empty string of at most 256 characters\), got undefined$/],
  ['inviteInGroup with one invitee, not a list', ({ alice }) => loose(alice).inviteInGroup('g', 'bob'), 6017, /inviteInGroup: inviteeList: expected a non-empty array of user IDs, got "bob"$/],
  ['inviteInGroup with an empty list', ({ alice }) => alice.inviteInGroup('g', []), 6017, /inviteInGroup: inviteeList: expected a non-empty array of user IDs, got \[\]$/],
  ['inviteInGroup with an empty invitee', ({ alice }) => alice.inviteInGroup('g', ['bob', '']), 6017, /inviteInGroup: inviteeList\[1\]: expected a user ID .*, got ""$/],
  ['inviteInGroup of oneself', ({ alice }) => alice.inviteInGroup('g', ['bob', 'alice']), 6017, /inviteInGroup: inviteeList\[1\]: expected another user than this device's own \(alice\), got "alice"$/],
  ['inviteInGroup with a number for data', ({ alice }) => loose(alice).inviteInGroup('g', ['bob'], 7), 6017, /inviteInGroup: data: expected a string \(or nothing\), got 7$/],
  ["inviteInGroup with onlineUserOnly: 'yes'", ({ alice }) => loose(alice).inviteInGroup('g', ['bob'], '', { onlineUserOnly: 'yes' }), 6017, /inviteInGroup: options\.onlineUserOnly: expected true or false, got "yes"$/],
  ['inviteInGroup in a group that does not exist', ({ alice }) => alice.inviteInGroup('nope', ['bob']), 8013, /inviteInGroup: groupID: there is no group "nope" on the IM \(never created, or dismissed\)$/],
  ['inviteInGroup in a group the inviter is not in', ({ alice }) => alice.inviteInGroup('h', ['bob']), 8013, /alice is not a member of h/],
  // cancel / accept / reject / modifyInvitation (inviteID, data)
  ["cancel('')", ({ alice }) => alice.cancel(''), 6017, /^InvalidParameter \(6017\): cancel: inviteID: expected an invitation ID \(what invite\(\) resolved with\), got ""$/],
  ['cancel with no id', ({ alice }) => loose(alice).cancel(), 6017, /cancel: inviteID: expected an invitation ID .*, got undefined$/],
  ['cancel with a number for data', ({ alice, id }) => loose(alice).cancel(id, 1), 6017, /cancel: data: expected a string \(or nothing\), got 1$/],
  ['accept with a list for the id', ({ bob, id }) => loose(bob).accept([id]), 6017, /accept: inviteID: expected an invitation ID .*, got \[".*"\]$/],
  ['reject with a number for the id', ({ bob }) => loose(bob).reject(5), 6017, /reject: inviteID: expected an invitation ID .*, got 5$/],
  ['modifyInvitation without data', ({ alice, id }) => loose(alice).modifyInvitation(id), 6017, /modifyInvitation: data: expected a string, got undefined$/],
  ['modifyInvitation with an object for data', ({ alice, id }) => loose(alice).modifyInvitation(id, { room: 1 }), 6017, /modifyInvitation: data: expected a string, got \{"room":1\}$/],
  // addInvitedSignaling(info): already said this way; kept in the table so it stays so.
  ['addInvitedSignaling(null)', ({ bob }) => loose(bob).addInvitedSignaling(null), 6017, /info: expected a signaling info object, got null$/],
])('%s', (_name, call, code, message) => {
  it(`rejects with ${code} and a message naming the parameter, what was expected and what was given`, async () => {
    const s = await setup()
    const failed = await failureOf(() => call(s))
    expect(failed).toEqual({ code, message: expect.stringMatching(message) })
  })
})

describe.each<[string, (s: Setup) => unknown, RegExp]>([
  ['getInvitation with a number', ({ alice }) => loose(alice).getInvitation(42), /^getInvitation: inviteID: expected a string, got 42$/],
  ['addSignalingListener with a misspelled callback', ({ alice }) => alice.addSignalingListener({ onReceiveNewInvitations: noop } as never), /^addSignalingListener: listener\.onReceiveNewInvitations: not a signaling callback \(did you mean onReceiveNewInvitation\?\); expected onReceiveNewInvitation, /],
  ['addSignalingListener with a callback that is not a function', ({ alice }) => alice.addSignalingListener({ onInviteeAccepted: notAFunction }), /^addSignalingListener: listener\.onInviteeAccepted: expected a function, got "callback"$/],
  ['addDiagnosticListener without a function', ({ alice }) => loose(alice).addDiagnosticListener(), /^addDiagnosticListener: listener: expected a function, got undefined$/],
  ['addStateChangeListener with an object', ({ alice }) => loose(alice).addStateChangeListener({}), /^addStateChangeListener: listener: expected a function, got \{\}$/],
])('%s', (_name, call, message) => {
  it('throws a TypeError naming the parameter, what was expected and what was given', async () => {
    const s = await setup()
    expect(await failureOf(() => call(s))).toEqual({ threw: 'TypeError', message: expect.stringMatching(message) })
  })
})

describe('createSignaling options', () => {
  const im = new MemoryIm()
  const transport = im.connect('zoe')
  const create = (options: unknown) => () => createSignaling(options as SignalingOptions)

  it.each<[string, unknown, RegExp]>([
    ['no options', undefined, /^createSignaling: options: expected an object with at least a transport, got undefined$/],
    ['no transport', {}, /^createSignaling: options\.transport: expected an ImTransport \(e\.g\. new MemoryIm\(\)\.connect\('alice'\) or an XmppTransport\), got undefined$/],
    ['a transport without userID', { transport: {} }, /^createSignaling: options\.transport\.userID: expected a non-empty string, got undefined$/],
    ['a transport without onMessage', { transport: { userID: 'zoe', deviceID: 'x', send: noop, replace: noop, onConnectionChange: noop, getGroupMembers: noop, serverNow: noop } }, /^createSignaling: options\.transport\.onMessage: expected a function \(an ImTransport's\), got undefined$/],
    ['a clock without timers', { transport, clock: Date }, /^createSignaling: options\.clock\.setTimeout: expected a function \(a Clock's\), got undefined$/],
    ['ids that are not a function', { transport, ids: 'uuid' }, /^createSignaling: options\.ids: expected a function returning a new unique string at each call, got "uuid"$/],
    ['limits that are not an object', { transport, limits: 5 }, /^createSignaling: options\.limits: expected an object of limits, got 5$/],
    ['a misspelled limit', { transport, limits: { maxInvitee: 5 } }, /^createSignaling: options\.limits\.maxInvitee: not a limit \(did you mean maxInvitees\?\); expected maxInvitees, maxActiveInvitations, /],
    ['a limit of 0', { transport, limits: { maxInvitees: 0 } }, /^createSignaling: options\.limits\.maxInvitees: expected a positive integer, got 0$/],
    ['onListenerError that is not a function', { transport, onListenerError: 'log' }, /^createSignaling: options\.onListenerError: expected a function, got "log"$/],
    ['a misspelled option', { transport, limit: {} }, /^createSignaling: options\.limit: not an option \(did you mean limits\?\); expected transport, clock, ids, inspect, restore, limits, onListenerError$/],
    ['an invite option given to createSignaling', { transport, timeout: 30 }, /^createSignaling: options\.timeout: not an option; expected transport, /],
    ['a restore that is not a snapshot', { transport, restore: 'saved' }, /^createSignaling: options\.restore: expected what snapshot\(\) returned, got "saved"$/],
  ])('%s: a TypeError naming the option, what was expected and what was given', (_name, options, message) => {
    expect(() => create(options)()).toThrow(TypeError)
    expect(create(options)).toThrow(message)
  })
})

describe('after close()', () => {
  const closed = async () => {
    const s = await setup()
    s.alice.close()
    return s
  }

  it.each<[string, (s: Setup) => Promise<unknown>]>([
    ['invite', ({ alice }) => alice.invite('bob')],
    ['inviteInGroup', ({ alice }) => alice.inviteInGroup('g', ['bob'])],
    ['cancel', ({ alice, id }) => alice.cancel(id)],
    ['accept', ({ alice, id }) => alice.accept(id)],
    ['reject', ({ alice, id }) => alice.reject(id)],
    ['modifyInvitation', ({ alice, id }) => alice.modifyInvitation(id, 'x')],
    ['addInvitedSignaling', ({ alice, id }) => alice.addInvitedSignaling({ businessID: 1, inviteID: `${id}-2`, inviter: 'bob', groupID: '', inviteeList: ['alice'], data: '', timeout: 30, actionType: 1, onlineUserOnly: false })],
  ])('%s rejects with 6014 saying the instance is closed', async (name, call) => {
    const s = await closed()
    expect(await failureOf(() => call(s))).toEqual({ code: 6014, message: `Disconnected (6014): ${name}: this signaling instance is closed (close() was called); create another with createSignaling to go on` })
  })

  it.each<[string, (s: Setup) => unknown]>([
    ['getInvitation', ({ alice, id }) => alice.getInvitation(id)],
    ['listInvitations', ({ alice }) => alice.listInvitations()],
    ['addSignalingListener', ({ alice }) => alice.addSignalingListener({})],
    ['addDiagnosticListener', ({ alice }) => alice.addDiagnosticListener(noop)],
    ['addStateChangeListener', ({ alice }) => alice.addStateChangeListener(noop)],
  ])('%s throws, saying the instance is closed, instead of showing a view that no longer moves', async (name, call) => {
    const s = await closed()
    expect(await failureOf(() => call(s))).toEqual({ threw: 'Error', message: expect.stringMatching(new RegExp(`^${name}: this signaling instance is closed \\(close\\(\\) was called\\)`)) })
  })

  it('still gives its snapshot, says it is closed, and closing again does nothing', async () => {
    const { alice, id } = await closed()
    expect(alice.closed).toBe(true)
    expect(alice.snapshot().invitations.map((invitation) => invitation.inviteID)).toEqual([id])
    expect(() => alice.close()).not.toThrow()
  })

  it('is not closed before', async () => {
    const { alice } = await setup()
    expect(alice.closed).toBe(false)
  })
})
