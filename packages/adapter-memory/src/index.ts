/**
 * @beckon/adapter-memory — `MemoryIm`, an embedded IM server (users, devices, groups, offline
 * store, server clock) and a deterministic, seeded network simulator for tests.
 *
 * @module
 */

export { MemoryIm, DEFAULT_RETENTION_MS } from './memoryIm.js'
export type { MemoryImOptions, ConnectOptions, InjectTarget } from './memoryIm.js'
export { MemoryTransport } from './transport.js'
export { VirtualClock, VIRTUAL_EPOCH, flushMicrotasks } from './virtualClock.js'
export type { MemoryImClock } from './virtualClock.js'
export { SkewedClock } from './clocks.js'
export type { ClockSkew } from './clocks.js'
export type { LinkSettings, LinkScope } from './links.js'
export type { InFlightDelivery, DeviceAddress } from './network.js'
export type { OfflinePush } from './server.js'
export { mulberry32 } from './random.js'
export type { Random } from './random.js'
export { SequenceRecorder } from './sequence.js'
