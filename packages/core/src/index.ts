/**
 * @beckon/core — invitation signaling over instant messaging: the invitation machine, the
 * engine, the wire codec, errors, the `Signaling` facade and the ports it needs.
 *
 * @module
 */

// Ports
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

// Facade
export { createSignaling } from './facade/createSignaling.js'
export type { Signaling, SignalingListener, SignalingInfo, SignalingOptions, InviteOptions } from './facade/types.js'
export type { InspectorLike, InspectOption, InspectionObserver } from './facade/inspectOption.js'
export type { SignalingView } from './facade/store.js'
export { mirroredActorID } from './facade/inspection.js'
export type { InspectedParty } from './facade/inspection.js'
export { systemClock, randomUUIDs, randomIdSource, uuidFromRandomBytes } from './facade/defaults.js'
export { reportListenerError } from './facade/defaults.js'
export type { RandomSource, ListenerErrorContext } from './facade/defaults.js'

// The Tencent-Web-shaped facade
export { createTencentWebSignaling, tencentWebFacade } from './tencentWeb/createTencentWebSignaling.js'
export { TSignaling, tSignalingEventNames, isTSignalingEventName } from './tencentWeb/events.js'
export type { TSignalingEventKey, TSignalingEventName, TencentWebEvent, TencentWebEventData, TencentWebHandler } from './tencentWeb/events.js'
export { TencentWebError, tencentWebCodes } from './tencentWeb/errors.js'
export type { TencentWebOperation } from './tencentWeb/errors.js'
export type {
  TencentWebSignaling,
  TencentWebSignalingOptions,
  TencentWebFacadeOptions,
  TencentWebInviteOptions,
  TencentWebGroupInviteOptions,
  TencentWebHandleOptions,
  TencentWebModifyOptions,
  TencentWebResponse,
  TencentWebMessage,
} from './tencentWeb/types.js'

// Errors
export { SignalingError, errorCodes, failure } from './errors.js'
export type { SignalingFailure, SignalingFailureTag } from './errors.js'

// The machine
export { inviteeMachine, inviteeEventTypes, outranks } from './machine/inviteeMachine.js'
export type { InviteeEvent, InviteeEventType, InviteeState, InviteeContext, Decision, InviteeMachine } from './machine/inviteeMachine.js'
export { compileMachine, compiledInviteeMachine, fire } from './machine/compile.js'
export type { CompiledMachine, Fired } from './machine/compile.js'

// The engine
export { step, stepInto } from './engine/step.js'
export { initialState, defaultLimits, isPresented, isProvisional, sentHere } from './engine/state.js'
export type { EngineState, EngineConfig, Limits, Invitation, DataVersion } from './engine/state.js'
export type { Input, Effect, Notification, Diagnostic, DiagnosticReason, StepResult } from './engine/io.js'
export { snapshotOf, restoreState } from './engine/snapshot.js'
export type { EngineSnapshot, SavedInvitation } from './engine/snapshot.js'
export { getInvitation, listInvitations } from './engine/views.js'
export type { InvitationView, InviteeView } from './engine/views.js'
export { inviterGraceMs, expiryGraceMs } from './engine/lifecycle.js'

// Wire
export { decodeEnvelope, encodeEnvelope, Envelope, ActionType, extensionKey, maxEnvelopeBytes, maxNesting, maxTimeoutSeconds } from './wire/envelope.js'
export type { BeckonExtension, DecodeFailure } from './wire/envelope.js'
export { largeListKey, maxLargeEnvelopeBytes } from './wire/largeList.js'
