/**
 * Whether a message this party is about to send can travel, and if not, which parameter is to
 * blame and by how much. Three caps apply: Tencent's 12 KB for everything but the invitee list
 * (so `data` stays as large as a Tencent client can read), beckon's large-list extension's 1 MiB
 * for an envelope whose list makes it larger, and the transport's own message size, if it has one.
 *
 * @module
 */
import { failure, type SignalingFailure } from '../errors.js'
import { encodeEnvelope, maxEnvelopeBytes, utf8Length, type Envelope } from '../wire/envelope.js'
import { maxLargeEnvelopeBytes } from '../wire/largeList.js'

const bytes = (n: number): string => `${n.toLocaleString('en-US')} bytes`

/** A bound needing no encoding: JSON escapes a UTF-16 unit as at most 6 bytes (`\uXXXX`). */
const surelySmall = (envelope: Envelope, cap: number): boolean => {
  // Summed field by field: a list of the five strings to loop over was an array per command.
  let units = 256 + envelope.inviteID.length + envelope.groupID.length + envelope.inviter.length + envelope.data.length + (envelope.beckon?.actionID.length ?? 0)
  const list = envelope.inviteeList
  for (let k = 0; k < list.length; k++) units += list[k]!.length + 3
  return units * 6 <= cap
}

/**
 * Why `envelope` cannot be sent, or `undefined` if it can. `transportCap` is the transport's
 * largest payload in bytes, when it has one.
 */
export const sizeProblem = (envelope: Envelope, transportCap: number | undefined): SignalingFailure | undefined => {
  if (surelySmall(envelope, Math.min(maxEnvelopeBytes, transportCap ?? maxEnvelopeBytes))) return undefined
  const size = utf8Length(encodeEnvelope(envelope))
  const invitees = envelope.inviteeList.length
  const listPart = `inviteeList (${invitees.toLocaleString('en-US')} invitees)`
  if (size > maxEnvelopeBytes) {
    // Only a long list may go past Tencent's cap: with one invitee it must fit, or `data` is to blame.
    const withOne = utf8Length(encodeEnvelope({ ...envelope, inviteeList: envelope.inviteeList.slice(0, 1) }))
    if (withOne > maxEnvelopeBytes) {
      return failure('InvalidParameter', `data (${bytes(utf8Length(envelope.data))}) makes the message ${bytes(withOne)}, over the ${bytes(maxEnvelopeBytes)} of a signaling message`)
    }
    if (size > maxLargeEnvelopeBytes) {
      return failure('InvalidParameter', `${listPart} makes the message ${bytes(size)}, over the ${bytes(maxLargeEnvelopeBytes)} limit of beckon's large-list extension`)
    }
  }
  if (transportCap !== undefined && size > transportCap) {
    const culprit = size > maxEnvelopeBytes ? listPart : `data (${bytes(utf8Length(envelope.data))}) with ${listPart}`
    return failure('InvalidParameter', `${culprit} makes the message ${bytes(size)}, over the transport's message size limit of ${bytes(transportCap)}`)
  }
  return undefined
}
