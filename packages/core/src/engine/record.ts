/**
 * The invitation record: how an {@link Invitation} is laid out in memory.
 *
 * A few fields keep their first value for nearly every invitation's whole life: `dataVersion`
 * (`null` until a modification), `provisional` (`false` but for an invite restored in flight or
 * added without a server time), `deferred` (the shared empty list but for notifications that
 * wait for a ring decision) and `inviteMessageID` (`''` but at the inviter's devices). They are read from the record's prototype until one is written, and
 * only then become a slot of that record: a slot each cost every pending invitation and every
 * tombstone 8 bytes (a device holds up to 10,000 tombstones). Every other field is set by the
 * constructor in one order, so fresh records share one layout.
 *
 * A record has a `toJSON` that writes those fields too, so a snapshot holds every field whatever
 * the record's layout.
 *
 * @module
 */
import type { Envelope } from '../wire/envelope.js'
import type { Notification } from './io.js'
import { nothingYet, type DataVersion, type Invitation } from './state.js'

export interface NewInvitation {
  readonly envelope: Envelope
  readonly takenAt: number
  readonly provisional: boolean
  readonly inviteMessageID: string
  readonly sentHere: boolean
  readonly presented: boolean
}

class InvitationRecord implements Invitation {
  readonly inviteID: string
  readonly inviter: string
  readonly groupID: string
  data: string
  readonly timeout: number
  readonly onlineUserOnly: boolean
  takenAt: number
  readonly sentHere: boolean
  presented: boolean
  readonly invitees: readonly string[]
  states: number[]
  decisions: Invitation['decisions']
  pendingCount: number
  endedAt: number | null
  // On the prototype until written (see the module's comment).
  declare dataVersion: DataVersion | null
  declare provisional: boolean
  declare deferred: Notification[]
  declare inviteMessageID: string
  declare readonly audience?: 'inviter'
  declare shownData?: string

  constructor(fields: NewInvitation, invitees: readonly string[], inviteMessageID: string) {
    const { envelope } = fields
    this.inviteID = envelope.inviteID
    this.inviter = envelope.inviter
    this.groupID = envelope.groupID
    this.data = envelope.data
    this.timeout = envelope.timeout
    this.onlineUserOnly = envelope.onlineUserOnly
    this.takenAt = fields.takenAt
    this.sentHere = fields.sentHere
    this.presented = fields.presented
    this.invitees = invitees
    this.states = nothingYet
    this.decisions = nothingYet
    this.pendingCount = invitees.length
    this.endedAt = null
    if (inviteMessageID !== '') this.inviteMessageID = inviteMessageID
    if (fields.provisional) this.provisional = true
    // Only a group invitation has an audience to narrow; the key is left out otherwise.
    if (envelope.groupID !== '' && envelope.beckon?.audience === 'inviter') (this as { audience?: 'inviter' }).audience = 'inviter'
  }

  /** Every field, those read from the prototype included (a snapshot's invitation). */
  toJSON(): Invitation {
    return { ...this, dataVersion: this.dataVersion, provisional: this.provisional, deferred: this.deferred, inviteMessageID: this.inviteMessageID }
  }
}

Object.defineProperties(InvitationRecord.prototype, {
  dataVersion: { value: null, writable: true },
  provisional: { value: false, writable: true },
  deferred: { value: nothingYet, writable: true },
  inviteMessageID: { value: '', writable: true },
})

/**
 * An invitation with every invitee pending, not yet added to any state. The envelope's list is the
 * engine's own (decoded, or copied by `distinct` from the app's) and nothing changes it: shared,
 * not copied, unless `invitees` gives a list shared with other invitations.
 */
export const newInvitation = (fields: NewInvitation, invitees: readonly string[] = fields.envelope.inviteeList, inviteMessageID = fields.inviteMessageID): Invitation =>
  new InvitationRecord(fields, invitees, inviteMessageID)

/** The fields of a record, in its constructor's order (those on the prototype last). */
const fieldNames = [
  'inviteID', 'inviter', 'groupID', 'data', 'timeout', 'onlineUserOnly', 'takenAt', 'sentHere', 'presented', 'invitees', 'states',
  'decisions', 'pendingCount', 'endedAt', 'inviteMessageID', 'dataVersion', 'provisional', 'deferred', 'audience', 'shownData',
] as const satisfies readonly (keyof Invitation)[]

/** What the prototype holds: a field with this value needs no slot of its own. */
const onPrototype: Readonly<Partial<Record<keyof Invitation, unknown>>> = { dataVersion: null, provisional: false, deferred: nothingYet, inviteMessageID: '' }

/** A record holding `fields` (a snapshot's invitation, already checked), for `restoreState`. */
export const invitationRecord = (fields: Invitation): Invitation => {
  const record = Object.create(InvitationRecord.prototype) as Record<keyof Invitation, unknown>
  for (const name of fieldNames) {
    const value = fields[name]
    if (value !== undefined && !(name in onPrototype && onPrototype[name] === value)) record[name] = value
  }
  return record as unknown as Invitation
}
