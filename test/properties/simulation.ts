/**
 * A randomised world for the flow properties: users on one or two devices, a group, one
 * invitation, answers and cancels fired at random times from random devices, over a seeded
 * network that delays, duplicates and reorders (and, for liveness, loses) deliveries.
 * Everything runs on MemoryIm's virtual clock, so a failing case replays exactly from its seed.
 */
import fc from 'fast-check'
import { createSignaling, type InspectOption, type InvitationView, type Signaling, type SignalingListener } from '@beckon/core'
import { MemoryIm } from '@beckon/adapter-memory'

export interface Device {
  readonly name: string
  readonly userID: string
  readonly signaling: Signaling
  /** Every callback this device got, in order. */
  readonly reports: Report[]
}

export interface Report {
  readonly at: number
  /** A listener callback, or `self`: the device's own command took effect (its promise resolved). */
  readonly callback: keyof SignalingListener | 'self'
  readonly inviteID: string
  /** The invitees the callback is about, with the outcome and data it reports for them. */
  readonly about: readonly { readonly invitee: string; readonly outcome: string; readonly data: string }[]
}

export const devices = [
  ['alice', 'phone'],
  ['alice', 'laptop'],
  ['bob', 'phone'],
  ['bob', 'laptop'],
  ['carol', 'phone'],
  ['dave', 'phone'],
] as const

export interface Action {
  readonly at: number
  readonly device: number
  readonly kind: 'accept' | 'reject' | 'cancel'
  readonly data: string
}

export interface Scenario {
  readonly group: boolean
  readonly timeout: number
  readonly seed: number
  readonly latencyMax: number
  readonly duplicate: number
  readonly loss: number
  readonly actions: readonly Action[]
}

export const scenario = (options: { readonly lossy: boolean }): fc.Arbitrary<Scenario> =>
  fc
    .record({
      group: fc.boolean(),
      timeout: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 20 })),
      seed: fc.integer({ min: 1, max: 2 ** 30 }),
      latencyMax: fc.integer({ min: 0, max: 3_000 }),
      duplicate: fc.constantFrom(0, 0.2, 0.5),
      loss: options.lossy ? fc.constantFrom(0.1, 0.3, 0.6) : fc.constant(0),
    })
    .chain((base) =>
      fc
        .array(
          fc.record({
            // Half the actions land in the first seconds, where answers, cancels and deliveries race.
            at: fc.oneof(fc.integer({ min: 0, max: 2_500 }), fc.integer({ min: 0, max: (base.timeout === 0 ? 20 : base.timeout) * 1000 + 12_000 })),
            device: fc.integer({ min: 0, max: devices.length - 1 }),
            kind: fc.constantFrom('accept' as const, 'reject' as const, 'cancel' as const),
            data: fc.constantFrom('', 'one', 'two'),
          }),
          { maxLength: 8 },
        )
        .map((actions): Scenario => ({ ...base, actions })),
    )

const record = (device: { reports: Report[] }, im: MemoryIm): SignalingListener => {
  const push = (callback: keyof SignalingListener, inviteID: string, about: Report['about']) =>
    device.reports.push({ at: im.clock.now(), callback, inviteID, about })
  return {
    onReceiveNewInvitation: (id, _inviter, _group, list) => push('onReceiveNewInvitation', id, list.map((invitee) => ({ invitee, outcome: 'pending', data: '' }))),
    onInviteeAccepted: (id, invitee, data) => push('onInviteeAccepted', id, [{ invitee, outcome: 'accepted', data }]),
    onInviteeRejected: (id, invitee, data) => push('onInviteeRejected', id, [{ invitee, outcome: 'rejected', data }]),
    onInvitationCancelled: (id, _inviter, data, list) => push('onInvitationCancelled', id, list.map((invitee) => ({ invitee, outcome: 'cancelled', data }))),
    onInvitationTimeout: (id, list) => push('onInvitationTimeout', id, list.map((invitee) => ({ invitee, outcome: 'timedOut', data: '' }))),
  }
}

export interface Run {
  readonly im: MemoryIm
  readonly devices: readonly Device[]
  readonly inviteID: string
  readonly takenAt: number
  /** Every promise of the run settled (resolved or rejected). */
  readonly settled: () => boolean
}

/**
 * Builds the world, sends the invitation from alice's phone and schedules the actions.
 *
 * @param inspect an `inspect` option per device (by name), to watch the run.
 */
export const start = async (s: Scenario, inspect?: (device: string) => InspectOption): Promise<Run> => {
  const im = new MemoryIm({ seed: s.seed, network: { latency: { min: 0, max: s.latencyMax }, duplicate: s.duplicate, loss: s.loss, reorder: true } })
  let counter = 0
  const world = devices.map(([userID, deviceID]) => {
    const name = `${userID}/${deviceID}`
    const ids = () => `${String(++counter).padStart(6, '0')}-${name}`
    const signaling = createSignaling({ transport: im.connect(userID, { deviceID }), ids, ...(inspect === undefined ? {} : { inspect: inspect(name) }) })
    const device: Device = { name, userID, signaling, reports: [] }
    signaling.addSignalingListener(record(device, im))
    return device
  })
  if (s.group) await im.connect('alice', { deviceID: 'phone' }).createGroup('g', ['bob', 'carol', 'dave'])
  await im.settle()
  let open = 0
  /** Runs a command; when it resolves, the invitees it decided count as known to the device. */
  const act = (device: Device, action: Action) => {
    open++
    const command = device.signaling[action.kind](inviteID, action.data)
    const outcome = { accept: 'accepted', reject: 'rejected', cancel: 'cancelled' }[action.kind]
    const about = (device.signaling.getInvitation(inviteID)?.invitees ?? [])
      .filter((i) => i.state === outcome && i.deviceID === device.name.split('/')[1] && i.data === action.data)
      .map((i) => ({ invitee: i.userID, outcome, data: action.data }))
    command.then(
      () => {
        open--
        device.reports.push({ at: im.clock.now(), callback: 'self', inviteID, about })
      },
      () => open--,
    )
  }
  const inviter = world[0]!.signaling
  const invitation = s.group
    ? inviter.inviteInGroup('g', ['bob', 'carol'], 'ring', { timeout: s.timeout })
    : inviter.invite('bob', 'ring', { timeout: s.timeout })
  const inviteID = await invitation
  const takenAt = inviter.getInvitation(inviteID)!.serverTime
  for (const action of s.actions) {
    const device = world[action.device]!
    im.clock.setTimeout(() => act(device, action), action.at)
  }
  return { im, devices: world, inviteID, takenAt, settled: () => open === 0 }
}

/** What a party finally holds for each invitee: the outcome, its data and the answering device. */
export const outcomes = (view: InvitationView | undefined): string[] | undefined =>
  view?.invitees.map((i) => `${i.userID}:${i.state}:${i.data}:${i.deviceID}`)
