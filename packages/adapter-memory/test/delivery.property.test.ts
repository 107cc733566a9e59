import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { TransportError, type IncomingMessage } from '@beckon/core'
import { MemoryIm, type LinkSettings, type MemoryTransport } from '../src/index.js'
import { stored, toUser } from './support.js'

const DEVICES = [
  ['alice', 'phone'],
  ['alice', 'laptop'],
  ['bob', 'phone'],
  ['bob', 'laptop'],
  ['carol', 'default'],
] as const
const USERS = ['alice', 'bob', 'carol'] as const

type Action =
  | { readonly kind: 'send'; readonly from: number; readonly to: number }
  | { readonly kind: 'toggle'; readonly device: number }
  | { readonly kind: 'advance'; readonly ms: number }

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('send' as const), from: fc.nat(DEVICES.length - 1), to: fc.nat(USERS.length - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('toggle' as const), device: fc.nat(DEVICES.length - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.nat(150) }) },
)

interface Sent {
  readonly messageID: string
  readonly index: number
  readonly from: MemoryTransport
  readonly to: string
}

/** Play a script on a fresh IM; at the end every device is online and everything has arrived. */
const play = async (seed: number, network: LinkSettings, script: readonly Action[]) => {
  const im = new MemoryIm({ seed, network })
  const devices = DEVICES.map(([userID, deviceID]) => im.connect(userID, { deviceID }))
  const received = devices.map(() => [] as IncomingMessage[])
  devices.forEach((device, i) => device.onMessage((m) => received[i]!.push(m)))
  const sent: Sent[] = []
  for (const step of script) {
    if (step.kind === 'advance') await im.clock.advance(step.ms)
    else if (step.kind === 'toggle') {
      const device = devices[step.device]!
      if (device.connectionState === 'disconnected') device.connect()
      else device.disconnect()
    } else {
      const from = devices[step.from]!
      const to = USERS[step.to]!
      try {
        const { messageID } = await from.send(toUser(to), `${sent.length}`, stored)
        sent.push({ messageID, index: sent.length, from, to })
      } catch (error) {
        if (!(error instanceof TransportError && error.reason === 'Disconnected')) throw error
      }
    }
  }
  for (const device of devices) device.connect()
  await im.clock.advance(10_000)
  return { devices, received, sent }
}

/** The messages a device should get: those to its user, and its user's from its other devices. */
const addressedTo = (device: MemoryTransport, sent: readonly Sent[]): Sent[] =>
  sent.filter((m) => m.from !== device && (m.to === device.userID || m.from.userID === device.userID))

const script = fc.array(action, { maxLength: 60 })

describe('delivery laws', () => {
  // Law: with no loss and no duplication, every stored message reaches every device of its
  // addressee and every other device of its sender exactly once — whatever the latency and
  // however devices come and go — and, on FIFO links, each sender's messages arrive in the
  // order they were sent.
  it('delivers every stored message exactly once to each device it is for, per sender in order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer(), script, async (seed, actions) => {
        const { devices, received, sent } = await play(seed, { latency: { min: 0, max: 100 } }, actions)
        devices.forEach((device, i) => {
          const got = received[i]!.map((m) => m.messageID)
          const expected = addressedTo(device, sent).map((m) => m.messageID)
          expect([...got].sort()).toEqual([...expected].sort())
          for (const user of USERS) {
            const fromUser = received[i]!.filter((m) => m.sender === user).map((m) => Number(m.payload))
            expect(fromUser).toEqual([...fromUser].sort((a, b) => a - b))
          }
        })
      }),
      { numRuns: 100 },
    )
  })

  // Law: with no loss and devices that stay online, each delivery arrives once or twice (twice
  // only when duplicated); with duplication certain, exactly twice.
  it('delivers each message once plus at most one duplicate', async () => {
    const sendsOnly = fc.array(action.filter((a) => a.kind !== 'toggle'), { maxLength: 40 })
    await fc.assert(
      fc.asyncProperty(fc.integer(), fc.constantFrom(0.3, 1), sendsOnly, async (seed, duplicate, actions) => {
        const { devices, received, sent } = await play(seed, { latency: { min: 0, max: 50 }, duplicate, reorder: true }, actions)
        devices.forEach((device, i) => {
          for (const { messageID } of addressedTo(device, sent)) {
            const copies = received[i]!.filter((m) => m.messageID === messageID).length
            if (duplicate === 1) expect(copies).toBe(2)
            else expect([1, 2]).toContain(copies)
          }
        })
      }),
      { numRuns: 50 },
    )
  })

  // Law: the simulator is a function of its seed and the script: replaying both replays every
  // delivery, in the same order, at the same time.
  it('replays the same deliveries for the same seed and script', async () => {
    const chaos: LinkSettings = { latency: { min: 0, max: 200 }, loss: 0.3, duplicate: 0.3, reorder: true }
    const trace = async (seed: number, actions: readonly Action[]) =>
      (await play(seed, chaos, actions)).received.map((messages) => messages.map((m) => `${m.messageID}@${m.payload}`))
    await fc.assert(
      fc.asyncProperty(fc.integer(), script, async (seed, actions) => {
        expect(await trace(seed, actions)).toEqual(await trace(seed, actions))
      }),
      { numRuns: 30 },
    )
  })
})
