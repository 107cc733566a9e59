/**
 * The members of the group an app invites in, read from the IM before the invite. A transport's
 * failure here is said for what it is — no such group, the inviter is not in it, the IM is not
 * reachable — instead of reading as an empty group whose members are all "not a member".
 *
 * @module
 */
import * as E from '#fp-ts/Either.js'
import { failure, type SignalingFailure } from '../errors.js'
import { TransportError, type ImTransport } from '../ports.js'

const why = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/** The members of `groupID`, or why they cannot be had, as the facade reports it. */
export const groupMembers = async (transport: ImTransport, groupID: string): Promise<E.Either<SignalingFailure, readonly string[]>> => {
  try {
    return E.right(await transport.getGroupMembers(groupID))
  } catch (error) {
    if (!(error instanceof TransportError)) return E.left(failure('TransportFailed', `inviteInGroup: reading the members of ${JSON.stringify(groupID)} failed: ${why(error)}`))
    switch (error.reason) {
      case 'NoSuchGroup':
        return E.left(failure('NotGroupMember', `inviteInGroup: groupID: there is no group ${JSON.stringify(groupID)} on the IM (never created, or dismissed)`))
      case 'NotMember':
        return E.left(failure('NotGroupMember', `inviteInGroup: groupID: ${transport.userID} is not a member of ${JSON.stringify(groupID)}`))
      case 'Disconnected':
        return E.left(failure('Disconnected', `inviteInGroup: not connected to the IM (${why(error)})`))
      default:
        return E.left(failure('TransportFailed', `inviteInGroup: reading the members of ${JSON.stringify(groupID)} failed: ${why(error)}`))
    }
  }
}
