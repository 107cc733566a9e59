/**
 * What the network commands share: the deliveries in flight, and a readable line for one of them
 * (for the run's trace).
 *
 * @module
 */
import type { InFlightDelivery } from '@beckon/adapter-memory'

const actions: Record<number, string> = { 1: 'invite', 2: 'cancel', 3: 'accept', 4: 'reject', 5: 'timeout' }

/** `d12 bob→alice/laptop accept 000042-… [bob] "yes"`, or the raw payload if it is not signaling. */
export const describeDelivery = (delivery: InFlightDelivery): string => {
  const route = `${delivery.id} ${delivery.from}→${delivery.to.userID}/${delivery.to.deviceID}`
  try {
    const envelope = JSON.parse(delivery.payload) as { actionType: number; inviteID: string; inviteeList: string[]; data: string }
    const action = delivery.modified ? 'modify' : (actions[envelope.actionType] ?? `action ${envelope.actionType}`)
    return `${route} ${action} ${envelope.inviteID} [${envelope.inviteeList.join(', ')}] ${JSON.stringify(envelope.data)}`
  } catch {
    return `${route} ${delivery.payload}`
  }
}

const sameDevice = (a: InFlightDelivery, b: InFlightDelivery): boolean => a.to.userID === b.to.userID && a.to.deviceID === b.to.deviceID

/** Per device with something in flight, its oldest delivery (what a FIFO link delivers next). */
export const oldestPerDevice = (inFlight: readonly InFlightDelivery[]): InFlightDelivery[] =>
  inFlight.filter((delivery, i) => !inFlight.slice(0, i).some((earlier) => sameDevice(earlier, delivery)))

/** Deliveries that have an older one in flight to the same device: delivering one reorders. */
export const overtaking = (inFlight: readonly InFlightDelivery[]): InFlightDelivery[] =>
  inFlight.filter((delivery, i) => inFlight.slice(0, i).some((earlier) => sameDevice(earlier, delivery)))
