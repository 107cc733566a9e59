/**
 * The IM's groups: who owns each one and who is in it. Pure bookkeeping; the server decides who
 * hears about changes.
 *
 * @module
 */
import { TransportError } from '@beckon/core'

interface Group {
  /** The creator: the only user who may dismiss the group. */
  readonly owner: string
  /** In the order they joined (the creator first). */
  readonly members: string[]
}

/**
 * Groups by id. Member lists keep join order (creator first, then the initial members in the
 * order given, then later joiners), which is what `getGroupMembers` returns.
 *
 * Decisions where the product contract is silent: joining a group one is already in is a no-op;
 * the owner may quit (the group stays, and only the owner may still dismiss it); a group left
 * empty keeps its id until it is dismissed; anyone may list a group's members.
 */
export class GroupDirectory {
  readonly #groups = new Map<string, Group>()

  /** Create a group; returns its members. Fails with `GroupExists` if the id is taken. */
  create(owner: string, groupID: string, memberIDs: readonly string[]): readonly string[] {
    if (this.#groups.has(groupID)) throw new TransportError('GroupExists', `group ${JSON.stringify(groupID)} already exists`)
    const members = [...new Set([owner, ...memberIDs])]
    this.#groups.set(groupID, { owner, members })
    return [...members]
  }

  /** Add a member; returns `false` if the user already was one. */
  join(groupID: string, userID: string): boolean {
    const group = this.#find(groupID)
    if (group.members.includes(userID)) return false
    group.members.push(userID)
    return true
  }

  /** Remove a member; fails with `NotMember` if the user is not one. */
  quit(groupID: string, userID: string): void {
    const group = this.#find(groupID)
    const index = group.members.indexOf(userID)
    if (index < 0) throw notMember(groupID, userID)
    group.members.splice(index, 1)
  }

  /** Remove the group; returns who was in it. Only the owner may, else `Rejected`. */
  dismiss(groupID: string, userID: string): readonly string[] {
    const group = this.#find(groupID)
    if (group.owner !== userID) {
      throw new TransportError('Rejected', `only the owner of group ${JSON.stringify(groupID)} may dismiss it, not ${JSON.stringify(userID)}`)
    }
    this.#groups.delete(groupID)
    return [...group.members]
  }

  /** The group's members, in join order. */
  members(groupID: string): readonly string[] {
    return [...this.#find(groupID).members]
  }

  /** The group's members, provided `userID` is one of them (else `NotMember`). */
  membersFor(groupID: string, userID: string): readonly string[] {
    return [...this.audience(groupID, userID)]
  }

  /**
   * The group's own member list, provided `userID` is one of them (else `NotMember`): for a
   * fan-out that reads it at once, without a copy per message (a 1,000-member group's answers
   * copied it a thousand times). Read it before the group changes, or copy it.
   */
  audience(groupID: string, userID: string): readonly string[] {
    const members = this.#find(groupID).members
    if (!members.includes(userID)) throw notMember(groupID, userID)
    return members
  }

  #find(groupID: string): Group {
    const group = this.#groups.get(groupID)
    if (group === undefined) throw new TransportError('NoSuchGroup', `no group ${JSON.stringify(groupID)}`)
    return group
  }
}

const notMember = (groupID: string, userID: string): TransportError =>
  new TransportError('NotMember', `${JSON.stringify(userID)} is not a member of group ${JSON.stringify(groupID)}`)
