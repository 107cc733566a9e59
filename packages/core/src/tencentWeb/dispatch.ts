/**
 * Turns the native facade's listener callbacks into Tencent Web's `{ name, data }` events and hands
 * them to the handlers registered per event name, the way Tencent's Web SDK's event emitter does:
 * a handler registered twice is called twice, `removeSignalingListener(name, handler)` removes
 * every registration of that handler (only those with that `context` when one is given), and a
 * handler runs with `this` bound to its `context`.
 *
 * Tencent's Web SDK tells a party only about invitations it takes part in: a group member who is
 * neither the inviter nor listed never hears of the invitation. beckon's native facade shows such
 * members everything (as Tencent's native SDKs do); this facade follows the Web SDK unless asked
 * to observe group invitations.
 *
 * @module
 */
import type { InvitationView } from '../engine/views.js'
import type { SignalingListener } from '../facade/types.js'
import type { TencentWebEvent, TencentWebEventData, TencentWebHandler, TSignalingEventName } from './events.js'

interface Registration {
  readonly handler: TencentWebHandler<never>
  readonly context: unknown
}

/** What the dispatcher needs to know about this device and its invitations. */
export interface DispatchContext {
  readonly userID: string
  readonly deviceID: string
  getInvitation(inviteID: string): InvitationView | undefined
  /** Deliver events of group invitations this user is neither inviter nor invitee of. */
  readonly observeGroupInvitations: boolean
}

/** The handlers of each event name, and the native listener that feeds them. */
export interface Dispatcher {
  add(name: TSignalingEventName, handler: TencentWebHandler<never>, context: unknown): void
  remove(name: TSignalingEventName, handler: TencentWebHandler<never>, context: unknown): void
  /** The listener to add to the native facade. */
  readonly listener: SignalingListener
}

/** Whether this device took the timeout on itself: it sent the timeout message that decided every listed invitee. */
const isSelfTimeout = (context: DispatchContext, invitation: InvitationView | undefined, inviteeList: readonly string[]): boolean => {
  if (invitation === undefined || inviteeList.length === 0) return false
  return inviteeList.every((userID) => {
    const invitee = invitation.invitees.find((view) => view.userID === userID)
    if (invitee === undefined || invitee.deviceID !== context.deviceID) return false
    if (invitee.decidedBy === 'invitee.timedOut') return userID === context.userID
    return invitee.decidedBy === 'inviter.timedOut' && invitation.inviter === context.userID
  })
}

/** Whether Tencent's Web SDK would tell this user about the invitation at all. */
const takesPart = (context: DispatchContext, invitation: InvitationView | undefined): boolean =>
  context.observeGroupInvitations ||
  invitation === undefined ||
  invitation.groupID === '' ||
  invitation.inviter === context.userID ||
  invitation.inviteeList.includes(context.userID)

/**
 * Creates the dispatcher. Every handler of an event runs even if an earlier one throws; the
 * errors are then thrown on to the native facade, which reports listener errors its own way.
 */
export const createDispatcher = (context: DispatchContext): Dispatcher => {
  const registrations = new Map<TSignalingEventName, Registration[]>()

  const emit = <N extends TSignalingEventName>(name: N, inviteID: string, data: TencentWebEventData[N]): void => {
    if (!takesPart(context, context.getInvitation(inviteID))) return
    const event: TencentWebEvent<N> = { name, data }
    const errors: unknown[] = []
    for (const { handler, context: self } of registrations.get(name) ?? []) {
      try {
        ;(handler as TencentWebHandler<N>).call(self, event)
      } catch (error) {
        errors.push(error)
      }
    }
    if (errors.length === 1) throw errors[0]
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} handlers of ${name} threw`)
  }

  const about = (inviteID: string) => {
    const invitation = context.getInvitation(inviteID)
    return { invitation, inviter: invitation?.inviter ?? '', groupID: invitation?.groupID ?? '' }
  }

  const listener: SignalingListener = {
    onReceiveNewInvitation: (inviteID, inviter, groupID, inviteeList, data) =>
      emit('newInvitationReceived', inviteID, { inviteID, inviter, groupID, inviteeList: [...inviteeList], data }),
    onInviteeAccepted: (inviteID, invitee, data) => {
      const { inviter, groupID } = about(inviteID)
      emit('ts_invitee_accepted', inviteID, { inviteID, inviter, groupID, invitee, data })
    },
    onInviteeRejected: (inviteID, invitee, data) => {
      const { inviter, groupID } = about(inviteID)
      emit('ts_invitee_rejected', inviteID, { inviteID, inviter, groupID, invitee, data })
    },
    onInvitationCancelled: (inviteID, inviter, data, inviteeList) => {
      const { groupID } = about(inviteID)
      emit('ts_invitation_cancelled', inviteID, { inviteID, inviter, groupID, data, inviteeList: [...inviteeList] })
    },
    onInvitationTimeout: (inviteID, inviteeList) => {
      const { invitation, inviter, groupID } = about(inviteID)
      const isSelf = isSelfTimeout(context, invitation, inviteeList)
      emit('ts_invitation_timeout', inviteID, { inviteID, inviter, groupID, data: invitation?.data ?? '', inviteeList: [...inviteeList], isSelfTimeout: isSelf })
    },
    onInvitationModified: (inviteID, data) => emit('ts_invitation_modified', inviteID, { inviteID, data }),
  }

  return {
    add: (name, handler, self) => {
      registrations.set(name, [...(registrations.get(name) ?? []), { handler, context: self }])
    },
    remove: (name, handler, self) => {
      const kept = (registrations.get(name) ?? []).filter((r) => r.handler !== handler || (self !== undefined && r.context !== self))
      registrations.set(name, kept)
    },
    listener,
  }
}
