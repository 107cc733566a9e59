import { TransportError, systemClock, type ImTransport } from '@beckon/core'
import { MemoryIm, MemoryTransport, type MemoryImOptions } from '@beckon/adapter-memory'
import { describeTransportContract, type ContractHarness, type ContractWorld } from './transport-contract.js'

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']

const memoryTransport = (transport: ImTransport): MemoryTransport => {
  if (!(transport instanceof MemoryTransport)) throw new TransportError('Rejected', 'not a MemoryIm transport')
  return transport
}

/**
 * A fresh MemoryIm per test. `settle` is how long "until quiet" means in this world: settling in
 * place for instant links, moving virtual time past the longest latency otherwise.
 */
const memoryHarness = (options: MemoryImOptions, settle: (im: MemoryIm) => Promise<void> = (im) => im.settle()): ContractHarness => ({
  async setup(): Promise<ContractWorld> {
    const im = new MemoryIm(options)
    let names = 0
    return {
      users: USERS,
      connect: async (userID, deviceID) => im.connect(userID, deviceID === undefined ? {} : { deviceID }),
      disconnect: async (transport) => memoryTransport(transport).disconnect(),
      reconnect: async (transport) => memoryTransport(transport).connect(),
      settle: () => settle(im),
      uniqueName: (prefix) => `${prefix}-${++names}`,
      teardown: async () => undefined,
    }
  },
})

describeTransportContract('MemoryIm, virtual clock', memoryHarness({}))
describeTransportContract(
  'MemoryIm, virtual clock with random latency',
  memoryHarness({ seed: 7, network: { latency: { min: 5, max: 80 } } }, (im) => im.clock.advance(100)),
)
describeTransportContract('MemoryIm, real time', memoryHarness({ clock: systemClock, network: { latency: { min: 1, max: 5 } } }))
