/**
 * @beckon/core — invitation signaling over instant messaging.
 *
 * @module
 */

export type {
  Clock,
  TimerHandle,
  Conversation,
  OfflinePushInfo,
  SendOptions,
  SendReceipt,
  IncomingMessage,
  MembershipEvent,
  ConnectionState,
  TransportFailure,
  ImTransport,
  Unsubscribe,
} from './ports.js'
export { TransportError } from './ports.js'
export { systemClock, randomUUIDs } from './facade/defaults.js'
