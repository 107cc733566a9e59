// @vitest-environment happy-dom
/**
 * The React example (`examples/react/`): the hooks re-render once per change of what the device
 * sees — never in a loop, which an unstable `getSnapshot` would cause — and the ringing screen
 * rings, answers, and stops ringing when the call ends elsewhere.
 */
import { act, Profiler, useEffect, type ReactNode } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { renderToString } from 'react-dom/server'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Signaling } from '@beckon/core'
import { RingingScreen } from '../../examples/react/RingingScreen.js'
import { useSignalingView } from '../../examples/react/useSignaling.js'
import { World } from '../support/world.js'

beforeAll(() => {
  ;(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true
})

let root: Root | undefined
let container: HTMLElement | undefined

afterEach(() => {
  act(() => root?.unmount())
  container?.remove()
  root = undefined
  vi.restoreAllMocks()
})

const render = (node: ReactNode): HTMLElement => {
  container = document.createElement('div')
  document.body.append(container)
  root = createRoot(container)
  act(() => root!.render(node))
  return container
}

/** Runs `work` (world time, IM deliveries) inside act, so React applies what it caused. */
const settled = async (work: () => Promise<unknown>): Promise<void> => {
  await act(async () => {
    await work()
  })
}

const button = (screen: HTMLElement, name: string): HTMLButtonElement => {
  const found = [...screen.querySelectorAll('button')].find((b) => b.textContent === name)
  if (found === undefined) throw new Error(`no ${name} button in: ${screen.textContent}`)
  return found
}

const setup = () => {
  const world = new World()
  const alice = world.join('alice')
  const bob = world.join('bob')
  return { world, alice, bob }
}

describe('useSignalingView', () => {
  /** Counts commits of a component that only reads the view. */
  const Counted = ({ signaling, commits }: { signaling: Signaling; commits: string[] }) => {
    const view = useSignalingView(signaling)
    useEffect(() => void commits.push(`${view.invitations.length} invitation(s), connected: ${view.connected}`))
    return <p>{view.invitations.length}</p>
  }

  it('renders once per change of what the device sees, and not again while nothing changes', async () => {
    const consoleError = vi.spyOn(console, 'error')
    const { world, alice, bob } = setup()
    const commits: string[] = []
    let renders = 0
    render(
      <Profiler id="view" onRender={() => void renders++}>
        <Counted signaling={bob.signaling} commits={commits} />
      </Profiler>,
    )
    await settled(() => world.settle())
    await settled(() => alice.signaling.invite('bob', 'room'))
    await settled(() => world.settle())
    const rendersAfterRing = renders
    await settled(() => world.advance(1_000))
    await settled(() => world.settle())
    expect(renders).toBe(rendersAfterRing)
    expect(commits.at(-1)).toBe('1 invitation(s), connected: true')
    // React warns "The result of getSnapshot should be cached" when a snapshot is not stable.
    expect(consoleError).not.toHaveBeenCalled()
  })

  it('renders on a server with the same snapshot', () => {
    const { bob } = setup()
    expect(renderToString(<RingingScreen signaling={bob.signaling} />)).toContain('No incoming call')
  })
})

describe('RingingScreen', () => {
  it('rings for an invitation, and accepting it answers the inviter and stops the ringing', async () => {
    // Arrange
    const { world, alice, bob } = setup()
    const screen = render(<RingingScreen signaling={bob.signaling} />)
    await settled(() => world.settle())
    expect(screen.textContent).toContain('No incoming call')
    // Act: alice calls
    const id = await alice.signaling.invite('bob', 'room')
    await settled(() => world.settle())
    // Assert: it rings
    expect(screen.querySelector('[role=dialog]')?.textContent).toContain('alice is calling')
    // Act: bob accepts
    await settled(async () => {
      button(screen, 'Accept').click()
      await world.settle()
    })
    // Assert
    expect(alice.calls()).toEqual([`onInviteeAccepted(${id}, bob, '')`])
    expect(screen.textContent).toContain('No incoming call')
  })

  it('stops ringing when the inviter cancels', async () => {
    const { world, alice, bob } = setup()
    const screen = render(<RingingScreen signaling={bob.signaling} />)
    const id = await alice.signaling.invite('bob', 'room')
    await settled(() => world.settle())
    expect(screen.textContent).toContain('alice is calling')
    await settled(async () => {
      await alice.signaling.cancel(id)
      await world.settle()
    })
    expect(screen.textContent).toContain('No incoming call')
  })

  it('says why an answer could not be sent (offline)', async () => {
    const { world, alice, bob } = setup()
    const screen = render(<RingingScreen signaling={bob.signaling} />)
    await alice.signaling.invite('bob', 'room', { timeout: 30 })
    await settled(() => world.settle())
    // bob's device is cut off: the answer cannot be sent, and the app says why.
    await settled(async () => {
      bob.transport.disconnect()
      await world.settle()
    })
    expect(screen.textContent).toContain('Connecting…')
    await settled(async () => {
      button(screen, 'Reject').click()
      await world.settle()
    })
    expect(screen.querySelector('[role=alert]')?.textContent).toBe('You are offline')
  })
})
