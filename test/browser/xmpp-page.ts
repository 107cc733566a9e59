/**
 * What the XMPP browser test runs inside the page, bundled for browsers by esbuild (so
 * `@beckon/adapter-im` resolves to its browser entry): two devices connect to Prosody over
 * WebSocket, one invites, the other accepts.
 */
import { connectXmpp } from '@beckon/adapter-im'
import { createSignaling } from '@beckon/core'

/** What the page reports back to the test. */
export interface PageCallResult {
  readonly inviteID: string
  readonly rang: readonly string[]
  readonly accepted: readonly string[]
  /** The URL of every WebSocket the page opened. */
  readonly sockets: readonly string[]
  /** What `connectXmpp` said to a TCP service, in a browser. */
  readonly tcpRefusal: string
}

export interface PageCallInput {
  readonly service: string
  readonly domain: string
  readonly password: string
  readonly data: string
}

const sockets: string[] = []
const NativeWebSocket = globalThis.WebSocket
globalThis.WebSocket = class extends NativeWebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols)
    sockets.push(String(url))
  }
}

const within = <T>(ms: number, what: string, promise: Promise<T>): Promise<T> =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms))])

const call = async ({ service, domain, password, data }: PageCallInput): Promise<PageCallResult> => {
  let tcpRefusal = ''
  try {
    connectXmpp({ service: 'xmpp://127.0.0.1:5222', domain, userID: 'alice', password })
  } catch (error) {
    tcpRefusal = String(error)
  }
  const aliceTransport = connectXmpp({ service, domain, userID: 'alice', password, deviceID: 'browser-tab-a' })
  const bobTransport = connectXmpp({ service, domain, userID: 'bob', password, deviceID: 'browser-tab-b' })
  const alice = createSignaling({ transport: aliceTransport })
  const bob = createSignaling({ transport: bobTransport })
  const rang: string[] = []
  const accepted: string[] = []
  let answered = (): void => undefined
  const done = new Promise<void>((resolve) => (answered = resolve))
  bob.addSignalingListener({
    onReceiveNewInvitation: (inviteID, inviter, _groupID, _invitees, received) => {
      if (received !== data) return // an older run's invitation caught up from the archive
      rang.push(`${inviteID} from ${inviter}`)
      void bob.accept(inviteID, 'picked up in the browser')
    },
  })
  alice.addSignalingListener({
    onInviteeAccepted: (inviteID, invitee, answer) => {
      accepted.push(`${inviteID} by ${invitee}: ${answer}`)
      answered()
    },
  })
  try {
    await within(15_000, 'connection', Promise.all([aliceTransport.ready(), bobTransport.ready()]))
    const inviteID = await alice.invite('bob', data, { timeout: 30 })
    await within(15_000, 'answer', done)
    return { inviteID, rang, accepted, sockets, tcpRefusal }
  } finally {
    alice.close()
    bob.close()
    await Promise.all([aliceTransport.disconnect(), bobTransport.disconnect()])
  }
}

Object.assign(globalThis, { beckonXmppCall: call })
