/**
 * A listener that throws is the app's bug: the app must see it, with its stack, the way the
 * platform shows an error nobody caught — and the engine must not care: the other listeners are
 * still called and the state is what it would have been.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ListenerErrorContext } from '@beckon/core'
import { World } from '../support/world.js'

afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

const appBug = new Error('app bug')
const throwAppBug = (): never => {
  throw appBug
}

/** alice and bob; bob reports listener errors to `onListenerError` when one is given. */
const twoParties = (onListenerError?: (error: unknown, context: ListenerErrorContext) => void) => {
  const world = new World()
  const alice = world.join('alice')
  const bob = world.join('bob', onListenerError === undefined ? {} : { signaling: { onListenerError } })
  return { world, alice, bob }
}

describe('a signaling listener that throws', () => {
  it('reaches onListenerError with the very error, the callback and the invitation', async () => {
    const reported: [unknown, ListenerErrorContext][] = []
    const { world, alice, bob } = twoParties((error, context) => reported.push([error, context]))
    bob.signaling.addSignalingListener({ onReceiveNewInvitation: throwAppBug })
    const id = await alice.signaling.invite('bob', 'room')
    await world.settle()
    expect(reported).toEqual([[appBug, { listener: 'onReceiveNewInvitation', inviteID: id }]])
  })

  it('stops neither the other listeners nor the engine', async () => {
    // Arrange
    const { world, alice, bob } = twoParties(() => {})
    bob.signaling.addSignalingListener({ onReceiveNewInvitation: throwAppBug, onInvitationModified: throwAppBug })
    // Act
    const id = await alice.signaling.invite('bob', 'room')
    await world.settle()
    await alice.signaling.modifyInvitation(id, 'room 2')
    await world.settle()
    await bob.signaling.accept(id, 'yes')
    await world.settle()
    // Assert
    expect(bob.calls()).toEqual([`onReceiveNewInvitation(${id}, alice, '', [bob], room)`, `onInvitationModified(${id}, "room 2")`])
    expect(alice.calls()).toEqual([`onInviteeAccepted(${id}, bob, yes)`])
    expect(bob.signaling.getInvitation(id)).toEqual(alice.signaling.getInvitation(id))
    expect(bob.signaling.diagnosticCounts()['listener-threw']).toBe(2)
  })

  it('goes to reportError by default where the runtime has it (browsers, Deno, Bun)', async () => {
    const reportError = vi.fn()
    vi.stubGlobal('reportError', reportError)
    const { world, alice, bob } = twoParties()
    bob.signaling.addSignalingListener({ onReceiveNewInvitation: throwAppBug })
    await alice.signaling.invite('bob', 'room')
    await world.settle()
    expect(reportError).toHaveBeenCalledExactlyOnceWith(appBug)
  })

  it('goes to console.error with its stack by default elsewhere (Node)', async () => {
    vi.stubGlobal('reportError', undefined)
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {})
    const { world, alice, bob } = twoParties()
    bob.signaling.addSignalingListener({ onReceiveNewInvitation: throwAppBug })
    const id = await alice.signaling.invite('bob', 'room')
    await world.settle()
    expect(consoleError).toHaveBeenCalledOnce()
    const [message, error] = consoleError.mock.calls[0]!
    expect(message).toContain(`onReceiveNewInvitation listener threw (invitation ${id})`)
    // console.error prints an Error with its stack.
    expect(error).toBe(appBug)
  })

  it('is reported by the default when onListenerError itself throws', async () => {
    const reportError = vi.fn()
    vi.stubGlobal('reportError', reportError)
    const handlerBug = new Error('handler bug')
    const { world, alice, bob } = twoParties(() => {
      throw handlerBug
    })
    bob.signaling.addSignalingListener({ onReceiveNewInvitation: throwAppBug })
    const id = await alice.signaling.invite('bob', 'room')
    await world.settle()
    expect(reportError.mock.calls).toEqual([[appBug], [handlerBug]])
    expect(bob.signaling.getInvitation(id)?.active).toBe(true)
  })
})

describe('other listeners that throw', () => {
  it('a state change listener: reported as stateChange, the state changes all the same', async () => {
    const reported: ListenerErrorContext[] = []
    const { world, alice, bob } = twoParties((_error, context) => reported.push(context))
    bob.signaling.addStateChangeListener(throwAppBug)
    const id = await alice.signaling.invite('bob', 'room')
    await world.settle()
    expect(reported[0]).toEqual({ listener: 'stateChange' })
    expect(bob.signaling.getInvitation(id)?.active).toBe(true)
  })

  it('the inspect observer: reported as inspect, and the invitation still rings', async () => {
    const reported: [unknown, ListenerErrorContext][] = []
    const world = new World()
    const alice = world.join('alice')
    const bob = world.join('bob', { signaling: { inspect: throwAppBug, onListenerError: (error, context) => reported.push([error, context]) } })
    const id = await alice.signaling.invite('bob', 'room')
    await world.settle()
    expect(reported[0]).toEqual([appBug, { listener: 'inspect' }])
    expect(bob.calls()).toEqual([`onReceiveNewInvitation(${id}, alice, '', [bob], room)`])
  })

  it('a diagnostic listener: reported as diagnostic, once, without a loop of reports', async () => {
    const reported: [unknown, ListenerErrorContext][] = []
    const { world, bob } = twoParties((error, context) => reported.push([error, context]))
    bob.signaling.addDiagnosticListener(throwAppBug)
    await world.im.connect('mallory').send({ kind: 'user', userID: 'bob' }, '{"businessID":1,"actionType":99}', { onlineUserOnly: false })
    await world.settle()
    expect(reported).toEqual([[appBug, { listener: 'diagnostic' }]])
    expect(bob.signaling.diagnosticCounts()['listener-threw']).toBeUndefined()
  })
})
