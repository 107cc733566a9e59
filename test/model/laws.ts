/**
 * The laws a run must keep (SPEC §3 "Arbitration", "Delivery faults", §2), as checks on the
 * system's final views and on each device's journal. Each returns nothing and throws (through
 * `expect`) with the offending device, invitation and invitee.
 *
 * @module
 */
import { expiryGraceMs, type InvitationView } from '@beckon/core'
import { expect } from 'vitest'
import { deliveredToAll, deviceNames, holdersOf, type DeviceName, type Model } from './model.js'
import type { Device, Learned, World } from './world.js'

/** What a report says about an invitee: its outcome and data; a timeout carries no data. */
const key = (fact: { readonly outcome: string; readonly data: string }): string =>
  fact.outcome === 'timedOut' ? 'timedOut' : `${fact.outcome}:${JSON.stringify(fact.data)}`

const show = (fact: Learned): string => `${fact.source} ${key(fact)}`

const learnedAbout = (device: Device, inviteID: string, invitee: string): Learned[] =>
  device.learned.filter((fact) => fact.inviteID === inviteID && fact.invitee === invitee)

/** Who decided what, as compared across parties: outcome, data and answering device per invitee, and the invite's data. */
const outcomes = (view: InvitationView) => ({
  data: view.data,
  invitees: view.invitees.map(({ userID, state, data, deviceID }) => ({ userID, state, data, deviceID })),
})

/**
 * Law 2 (liveness): a connected device that holds an invitation with `timeout > 0` has an outcome
 * for every invitee once the IM clock is at `t + timeout + 10 s` (t: the invite's server time) —
 * whatever was lost or is still in flight.
 */
export const expectLiveness = (world: World, model: Readonly<Model>): void => {
  const now = world.now()
  const undecided: string[] = []
  for (const name of model.connected) {
    for (const view of world.device(name).signaling.listInvitations()) {
      if (view.timeout === 0 || now < view.serverTime + view.timeout * 1000 + expiryGraceMs) continue
      const pending = view.invitees.filter((i) => i.state === 'pending').map((i) => i.userID)
      if (pending.length > 0) undecided.push(`${name} ${view.inviteID}: [${pending.join(', ')}] pending ${now - view.serverTime} ms after the invite`)
    }
  }
  expect(undecided).toEqual([])
}

const holders = (world: World, inviteID: string): DeviceName[] =>
  deviceNames.filter((name) => world.device(name).signaling.getInvitation(inviteID) !== undefined)

/**
 * Who sees what (SPEC §3): a 1:1 invitation reaches only the inviter's and the invitee's devices,
 * a group one only the members' — whatever was lost, nobody else ever holds it.
 */
export const expectNoStrangerHolds = (world: World, model: Readonly<Model>): void => {
  for (const invitation of model.invitations) {
    const strangers = holders(world, invitation.inviteID).filter((name) => !holdersOf(invitation).includes(name))
    expect({ inviteID: invitation.inviteID, strangers }).toEqual({ inviteID: invitation.inviteID, strangers: [] })
  }
}

/**
 * Law 1 (convergence): for an invitation of which nothing was lost (nothing dropped; for an
 * online-only one, nobody ever offline), every device of everyone it concerns holds it, and all
 * of them hold the same outcome, data and answering device for every invitee (and the same invite
 * data, after modifications).
 */
export const expectConvergence = (world: World, model: Readonly<Model>): void => {
  for (const invitation of model.invitations.filter((i) => deliveredToAll(model, i))) {
    const { inviteID } = invitation
    expect({ inviteID, holders: holders(world, inviteID) }).toEqual({ inviteID, holders: holdersOf(invitation) })
    const views = holders(world, inviteID).map((name) => ({ name, ...outcomes(world.device(name).signaling.getInvitation(inviteID)!) }))
    const first = views[0]!
    expect(views).toEqual(views.map((v) => ({ ...first, name: v.name })))
  }
}

/**
 * Law 6 (the later modification wins, SPEC §8): for an invitation of which nothing was lost, every
 * holder ends with the data of the last `modifyInvitation` whose promise resolved. The one case
 * the SPEC's rule cannot order is named in the README's limits: two of the inviter's devices
 * modifying in the same server millisecond, where one may not have seen the other's; then every
 * holder ends with the data of one of that millisecond's resolved modifications (law 1 says they
 * agree on which).
 */
export const expectLatestModificationHolds = (world: World, model: Readonly<Model>): void => {
  for (const invitation of model.invitations.filter((i) => deliveredToAll(model, i))) {
    const { inviteID } = invitation
    const resolved = model.resolvedModifications.get(inviteID) ?? []
    const last = resolved.at(-1)
    if (last === undefined) continue
    const sameMillisecond = resolved.filter((m) => m.at === last.at)
    const concurrent = sameMillisecond.some((m) => m.device !== last.device)
    const allowed = concurrent ? [...new Set(sameMillisecond.map((m) => m.data))] : [last.data]
    for (const name of holders(world, inviteID)) {
      const data = world.device(name).signaling.getInvitation(inviteID)?.data ?? ''
      expect({ inviteID, device: name, data, allowed: allowed.includes(data) }).toEqual({ inviteID, device: name, data, allowed: true })
    }
  }
}

/** `timeout: 0` means no timers and no timeout messages anywhere (SPEC §2): nobody hears of a timeout. */
export const expectNoTimeoutWithoutDeadline = (world: World, model: Readonly<Model>): void => {
  const untimed = new Set(model.invitations.filter((invitation) => invitation.timeout === 0).map((invitation) => invitation.inviteID))
  for (const device of world.devices.values()) {
    const timeouts = device.learned.filter((fact) => untimed.has(fact.inviteID) && fact.outcome === 'timedOut').map(show)
    expect({ device: device.name, timeouts }).toEqual({ device: device.name, timeouts: [] })
  }
}

/**
 * Law 3 (one callback per party per fact): no device is rung twice for an invitation — nor rung
 * when it could not answer (past the deadline, or with nobody it cares about pending) — is told
 * of more modifications than the IM took, or learns the same outcome with the same data for the
 * same invitee twice in a row (its own resolved command counts as learning).
 */
export const expectOneReportPerFact = (world: World, model: Readonly<Model>): void => {
  for (const device of world.devices.values()) {
    for (const [inviteID, rings] of device.rings) expect({ device: device.name, inviteID, rings }).toEqual({ device: device.name, inviteID, rings: 1 })
    expect({ device: device.name, lateRings: device.lateRings }).toEqual({ device: device.name, lateRings: [] })
    for (const [inviteID, told] of device.modified) {
      expect({ device: device.name, inviteID, modifications: told <= (model.modifications.get(inviteID) ?? 0) }).toEqual({ device: device.name, inviteID, modifications: true })
    }
    const streams = new Map<string, Learned[]>()
    for (const fact of device.learned) {
      const stream = `${fact.inviteID} ${fact.invitee}`
      streams.set(stream, [...(streams.get(stream) ?? []), fact])
    }
    for (const [stream, facts] of streams) {
      const heard = facts.map(show)
      const repeats = facts.filter((fact, i) => i > 0 && key(fact) === key(facts[i - 1]!)).map(show)
      expect({ device: device.name, stream, heard, repeats }).toEqual({ device: device.name, stream, heard, repeats: [] })
    }
  }
}

/**
 * Law 4 (reports agree with views): the last thing a device learned about an invitee — from a
 * callback or from its own resolved command — is what its final view holds; an invitee still
 * pending in the view was never reported decided.
 */
export const expectReportsMatchViews = (world: World): void => {
  for (const device of world.devices.values()) {
    for (const view of device.signaling.listInvitations()) {
      for (const invitee of view.invitees) {
        const heard = learnedAbout(device, view.inviteID, invitee.userID)
        const last = heard.at(-1)
        const where = { device: device.name, inviteID: view.inviteID, invitee: invitee.userID, heard: heard.map(show) }
        const holds = invitee.state === 'pending' ? undefined : key({ outcome: invitee.state, data: invitee.data })
        expect({ ...where, lastLearned: last && key(last) }).toEqual({ ...where, lastLearned: holds })
      }
    }
  }
}

/** Invitations with `timeout > 0` that some device still holds with an invitee pending. */
export const undecidedInvitations = (world: World, model: Readonly<Model>): string[] =>
  model.invitations
    .filter((invitation) => invitation.timeout > 0)
    .filter((invitation) =>
      deviceNames.some((name) => world.device(name).signaling.getInvitation(invitation.inviteID)?.invitees.some((i) => i.state === 'pending') === true),
    )
    .map((invitation) => invitation.inviteID)
