/**
 * Input builders shared by every contender (engine, hand-written reducers, bare loop, XState's
 * `transition()`), so each one consumes the very same objects.
 *
 * Inputs are what the facade hands `step` after decoding: the envelope is already an object.
 * JSON decoding is the wire codec's cost, not the engine's, so it is left out of every timing.
 * Answers are built in chunks just before they are timed (outside the timed region): a million
 * pre-built answers would keep ~400 MB of input alive and make the old-generation GC, not the
 * contender, the thing measured; real answers arrive one by one and die young.
 *
 * @module
 */
import { ActionType, type Envelope, type IncomingMessage, type Input } from '@beckon/core'

export type ReceivedInput = Extract<Input, { type: 'message.received' }>

/** Server time at which every flow starts; arbitrary, but fixed so runs compare. */
export const t0 = 1_700_000_000_000
/** The tombstone retention the flows assume (the engine's default limit). */
export const retentionMs = 10 * 60_000

// -------------------------------------------------------------------------------------------------
// One group invitation answered by N invitees, seen by a member that is not invited
// -------------------------------------------------------------------------------------------------

export const groupID = 'classroom'
export const host = 'teacher'
export const member = 'observer'
export const groupInviteID = 'group-invite-0001'

/**
 * Invitee `i`'s id, as a freshly decoded string: an answer decoded from JSON brings its own flat
 * copy of the id (hash not yet computed, not the object the index holds), and so does this. (A
 * template literal would make a cons string that every hash or compare must flatten first.)
 */
export const studentID = (i: number): string => JSON.parse(`"student-${i.toString(36).padStart(6, '0')}"`) as string

/** `n` distinct invitee ids (the strings the memory figure subtracts). */
export const inviteeIDs = (n: number): string[] => Array.from({ length: n }, (_, i) => studentID(i))

/** The order the invitees answer in: a seeded shuffle (xorshift32), the same for every contender. */
export const answerOrder = (n: number, seed = 0x9e3779b9): Uint32Array => {
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  let x = seed | 0
  for (let i = n - 1; i > 0; i--) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    const j = (x >>> 0) % (i + 1)
    const tmp = order[i]!
    order[i] = order[j]!
    order[j] = tmp
  }
  return order
}

const conversation = { kind: 'group', groupID } as const

const received = (message: IncomingMessage, envelope: Envelope, now: number): ReceivedInput => ({
  type: 'message.received',
  now,
  actionID: `local-${message.messageID}`,
  message,
  envelope,
})

/**
 * The group invite, as the member's device receives it. `inviteID` and `inviter` vary only where a
 * measurement holds many invitations in one state (an inviter may have 100 active at a party).
 */
export const groupInvite = (invitees: readonly string[], inviteID = groupInviteID, inviter = host): ReceivedInput =>
  received(
    {
      messageID: `msg-${inviteID}`,
      sender: inviter,
      senderDevice: 'desk',
      conversation,
      payload: '',
      serverTime: t0,
      fromMyOtherDevice: false,
      modified: false,
    },
    {
      businessID: 1,
      inviteID,
      groupID,
      inviter,
      inviteeList: invitees,
      data: '{"room":42}',
      timeout: 0,
      actionType: ActionType.invite,
      onlineUserOnly: false,
      beckon: { actionID: 'act-invite' },
    },
    t0 + 50,
  )

/** Invitee `i`'s accept, the `seq`-th answer to arrive. Sender and list hold distinct fresh strings. */
export const groupAccept = (i: number, seq: number, inviteID = groupInviteID, inviter = host): ReceivedInput => {
  const serverTime = t0 + 1_000 + (seq >>> 10)
  return received(
    {
      messageID: `msg-${inviteID}-${seq}`,
      sender: studentID(i),
      senderDevice: 'phone',
      conversation,
      payload: '',
      serverTime,
      fromMyOtherDevice: false,
      modified: false,
    },
    {
      businessID: 1,
      inviteID,
      groupID,
      inviter,
      inviteeList: [studentID(i)],
      data: '',
      timeout: 0,
      actionType: ActionType.accept,
      onlineUserOnly: false,
      beckon: { actionID: `act-${seq}` },
    },
    serverTime + 20,
  )
}

/** Answers `from .. to` (exclusive) of `order`, pre-built for one timed chunk. */
export const acceptChunk = (order: Uint32Array, from: number, to: number): ReceivedInput[] => {
  const chunk: ReceivedInput[] = new Array<ReceivedInput>(to - from)
  for (let k = from; k < to; k++) chunk[k - from] = groupAccept(order[k]!, k)
  return chunk
}

// -------------------------------------------------------------------------------------------------
// 1:1 lifecycles
// -------------------------------------------------------------------------------------------------

export const alice = { userID: 'alice', deviceID: 'laptop' } as const
export const bob = { userID: 'bob', deviceID: 'phone' } as const

/**
 * Lifecycle `k` starts after lifecycle `k - 1`'s tombstone is gone, so time only moves forward and
 * the state stays the size a real device's is (no pile of million tombstones).
 */
const startOf = (k: number): number => t0 + k * (retentionMs + 10_000)

/**
 * The inviter's device: `command.invite` → `send.taken` → bob's accept arrives → the tombstone's
 * removal timer fires (the only tombstone, so the one with the timer). Four inputs, every one counted as an event.
 */
export const inviterLifecycle = (k: number): Input[] => {
  const at = startOf(k)
  const inviteID = `one-${k}`
  const actionID = `a-inv-${k}`
  return [
    {
      type: 'command.invite',
      commandID: `c-${k}`,
      now: at,
      actionID,
      inviteID,
      groupID: '',
      inviteeList: [bob.userID],
      data: '{"room":42}',
      timeout: 30,
      onlineUserOnly: false,
    },
    { type: 'send.taken', now: at + 30, actionID: `a-taken-${k}`, sendID: actionID, receipt: { messageID: `m-inv-${k}`, serverTime: at + 20 } },
    received(
      {
        messageID: `m-acc-${k}`,
        sender: bob.userID,
        senderDevice: bob.deviceID,
        conversation: { kind: 'user', userID: bob.userID },
        payload: '',
        serverTime: at + 2_000,
        fromMyOtherDevice: false,
        modified: false,
      },
      {
        businessID: 1,
        inviteID,
        groupID: '',
        inviter: alice.userID,
        inviteeList: [bob.userID],
        data: '',
        timeout: 30,
        actionType: ActionType.accept,
        onlineUserOnly: false,
        beckon: { actionID: `a-acc-${k}` },
      },
      at + 2_050,
    ),
    { type: 'timer.fired', now: at + 2_050 + retentionMs, actionID: `a-gc-${k}`, key: inviteID },
  ]
}

/**
 * The invitee's device: alice's invite arrives (it rings) → `command.accept` → `send.taken` → the
 * tombstone's removal timer fires (the only tombstone, so the one with the timer). Four inputs, every one counted as an event.
 */
export const inviteeLifecycle = (k: number): Input[] => {
  const at = startOf(k)
  const inviteID = `one-${k}`
  const actionID = `b-acc-${k}`
  return [
    received(
      {
        messageID: `m-inv-${k}`,
        sender: alice.userID,
        senderDevice: alice.deviceID,
        conversation: { kind: 'user', userID: alice.userID },
        payload: '',
        serverTime: at,
        fromMyOtherDevice: false,
        modified: false,
      },
      {
        businessID: 1,
        inviteID,
        groupID: '',
        inviter: alice.userID,
        inviteeList: [bob.userID],
        data: '{"room":42}',
        timeout: 30,
        actionType: ActionType.invite,
        onlineUserOnly: false,
        beckon: { actionID: `a-inv-${k}` },
      },
      at + 50,
    ),
    { type: 'command.accept', commandID: `c-${k}`, now: at + 1_500, actionID, inviteID, data: '' },
    { type: 'send.taken', now: at + 1_530, actionID: `b-taken-${k}`, sendID: actionID, receipt: { messageID: `m-acc-${k}`, serverTime: at + 1_520 } },
    { type: 'timer.fired', now: at + 1_500 + retentionMs, actionID: `b-gc-${k}`, key: inviteID },
  ]
}

/** Lifecycles `from .. to` (exclusive), flattened, for one timed chunk. */
export const lifecycleChunk = (build: (k: number) => Input[], from: number, to: number): Input[] => {
  const chunk: Input[] = []
  for (let k = from; k < to; k++) chunk.push(...build(k))
  return chunk
}
