import type { ConnectionState, ImTransport, IncomingMessage, MembershipEvent } from '@beckon/core'

/** Everything a transport reported, in order. */
export interface Recording {
  readonly messages: IncomingMessage[]
  readonly payloads: () => string[]
  readonly membership: MembershipEvent[]
  readonly states: ConnectionState[]
  /** Messages and state changes interleaved, as `message:<payload>` and `state:<state>`. */
  readonly timeline: string[]
}

/** Start recording what a transport reports. */
export const record = (transport: ImTransport): Recording => {
  const recording: Recording = {
    messages: [],
    payloads: () => recording.messages.map((m) => m.payload),
    membership: [],
    states: [],
    timeline: [],
  }
  transport.onMessage((message) => {
    recording.messages.push(message)
    recording.timeline.push(`message:${message.payload}`)
  })
  transport.onMembershipChange((event) => recording.membership.push(event))
  transport.onConnectionChange((state) => {
    recording.states.push(state)
    recording.timeline.push(`state:${state}`)
  })
  return recording
}

export const toUser = (userID: string) => ({ kind: 'user', userID }) as const
export const toGroup = (groupID: string) => ({ kind: 'group', groupID }) as const
export const stored = { onlineUserOnly: false } as const
export const onlineOnly = { onlineUserOnly: true } as const
