/**
 * Any run as a Mermaid `sequenceDiagram`: devices are participants, every delivered message is an
 * arrow from the sending device to the receiving one, every listener callback a dashed arrow from
 * a device to itself, and what the app did a note. Races and corrections are called out: a
 * message that crossed one the receiver had already sent about the same invitation gets a ⚡ note,
 * and a callback that reports another outcome than the device knew (its view lost a race) a ↺ note.
 *
 * It records from the outside — a wrapper around each transport and a listener on each signaling
 * instance — so it works on any transport, and on MemoryIm's virtual clock its output is the same
 * on every run of the same seed.
 *
 * @example
 * ```ts
 * const im = new MemoryIm({ seed: 1, network: { latency: { min: 20, max: 80 } } })
 * const diagram = new SequenceRecorder(im.clock)
 * const alice = createSignaling({ transport: diagram.transport(im.connect('alice')) })
 * diagram.watch(alice)
 * // … run the flow …
 * console.log(diagram.toMermaid())
 * ```
 *
 * @module
 */
import { ActionType, decodeEnvelope, type Clock, type ImTransport, type IncomingMessage, type Signaling } from '@beckon/core'

type Row =
  | { readonly kind: 'arrow'; readonly from: string; readonly to: string; readonly text: string; readonly dashed: boolean }
  | { readonly kind: 'note'; readonly over: readonly string[]; readonly text: string }
  | { readonly kind: 'span'; readonly text: string }

interface Sent {
  readonly seq: number
  readonly device: string
  readonly inviteID: string
  readonly action: string
}

const actionNames: Readonly<Record<number, string>> = {
  [ActionType.invite]: 'invite',
  [ActionType.cancel]: 'cancel',
  [ActionType.accept]: 'accept',
  [ActionType.reject]: 'reject',
  [ActionType.timeout]: 'timeout',
}

/** The outcome an action declares for the invitees it lists. */
const outcomeOf: Readonly<Record<string, string>> = { cancel: 'cancelled', accept: 'accepted', reject: 'rejected', timeout: 'timedOut' }

/** `{"room_id":42,"version":4}` reads as `room_id=42`. */
const brief = (data: string): string => {
  if (data === '') return ''
  let text = data
  try {
    const value = JSON.parse(data) as unknown
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      text = Object.entries(value)
        .filter(([key]) => !['version', 'businessID', 'platform', 'call_type'].includes(key))
        .map(([key, v]) => `${key}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ')
    }
  } catch {
    // not JSON: shown as it is
  }
  text = text.replace(/\n/g, ' ')
  return text.length > 32 ? ` ${text.slice(0, 31)}…` : text === '' ? '' : ` ${text}`
}

/** Records a run; see the module comment. */
export class SequenceRecorder {
  readonly #clock: Clock
  readonly #start: number
  readonly #rows: Row[] = []
  /** Participants, in the order they first appear in the diagram. */
  readonly #devices: string[] = []
  /** Every device recorded, shown or not. */
  readonly #recorded: string[] = []
  readonly #groups: boolean
  /** Group messages already drawn, when a group message is drawn once. */
  readonly #drawn = new Set<string>()
  readonly #aliases = new Map<string, number>()
  readonly #sends = new Map<string, Sent>()
  readonly #sentBy: Sent[] = []
  /** Per device, the outcome it last knew of each (invitation, invitee). */
  readonly #known = new Map<string, Map<string, string>>()
  #seq = 0

  /**
   * @param options.groupsOnce draw a group message once, from the sender to a participant standing
   *   for the group, instead of once per receiving device (for rooms with many members).
   */
  constructor(clock: Clock, options: { readonly groupsOnce?: boolean } = {}) {
    this.#clock = clock
    this.#start = clock.now()
    this.#groups = options.groupsOnce === true
  }

  /** Wraps a transport so that what it sends and receives is recorded. */
  transport<T extends ImTransport>(inner: T): T {
    const device = this.#device(inner.userID, inner.deviceID)
    return new Proxy(inner, {
      get: (target, key) => {
        if (key === 'send') return ((to, payload, options) => (this.#sent(device, payload), target.send(to, payload, options))) satisfies ImTransport['send']
        if (key === 'onMessage') return ((listener) => target.onMessage((message) => (this.#delivered(device, message), listener(message)))) satisfies ImTransport['onMessage']
        const value = Reflect.get(target, key, target) as unknown
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
      },
    })
  }

  /** Records every callback `signaling` makes. Add it before the run, like any listener. */
  watch(signaling: Signaling): void {
    const device = this.#device(signaling.userID, signaling.deviceID)
    const told = (inviteID: string, text: string, outcome?: { readonly invitees: readonly string[]; readonly is: string }) => {
      this.#arrow(device, device, `${text}`, true)
      for (const invitee of outcome?.invitees ?? []) this.#learn(device, inviteID, invitee, outcome!.is, true)
    }
    signaling.addSignalingListener({
      onReceiveNewInvitation: (id, inviter, _groupID, list) => told(id, `onReceiveNewInvitation ${this.#alias(id)} from ${inviter} to [${list.join(', ')}]`),
      onInviteeAccepted: (id, invitee, data) => told(id, `onInviteeAccepted ${this.#alias(id)} ${invitee}${brief(data)}`, { invitees: [invitee], is: 'accepted' }),
      onInviteeRejected: (id, invitee, data) => told(id, `onInviteeRejected ${this.#alias(id)} ${invitee}${brief(data)}`, { invitees: [invitee], is: 'rejected' }),
      onInvitationCancelled: (id, _inviter, data, list) => told(id, `onInvitationCancelled ${this.#alias(id)} [${list.join(', ')}]${brief(data)}`, { invitees: list, is: 'cancelled' }),
      onInvitationTimeout: (id, list) => told(id, `onInvitationTimeout ${this.#alias(id)} [${list.join(', ')}]`, { invitees: list, is: 'timedOut' }),
      onInvitationModified: (id, data) => told(id, `onInvitationModified ${this.#alias(id)}${brief(data)}`),
    })
  }

  /** What a person or an app did on a device (`alice`, or `alice/phone` when it has several). */
  act(who: string, text: string): void {
    const device = this.#recorded.find((d) => d === who) ?? this.#recorded.find((d) => d.startsWith(`${who}/`)) ?? this.#device(who, 'default')
    this.#note([device], `${this.#time()} ▶ ${text}`)
  }

  /** A heading across every participant. */
  note(text: string): void {
    this.#rows.push({ kind: 'span', text })
  }

  /** The run so far as Mermaid. */
  toMermaid(): string {
    const users = new Map<string, number>()
    for (const device of this.#devices) users.set(device.split('/')[0]!, (users.get(device.split('/')[0]!) ?? 0) + 1)
    const shown = (device: string) => (users.get(device.split('/')[0]!) === 1 && device.endsWith('/default') ? device.split('/')[0]! : device)
    const id = (device: string) => shown(device).replace(/[^A-Za-z0-9_]/g, '_')
    const lines = ['sequenceDiagram']
    for (const device of this.#devices) lines.push(id(device) === shown(device) ? `  participant ${id(device)}` : `  participant ${id(device)} as ${shown(device)}`)
    // Mermaid reads `#` and `;` in a message as the start of an entity code and the end of a
    // statement: a label would be cut there. Its own entity codes draw them.
    const text = (label: string) => label.replace(/[#;]/g, (c) => `#${c.charCodeAt(0)};`)
    const all = this.#devices.length > 1 ? `${id(this.#devices[0]!)},${id(this.#devices.at(-1)!)}` : id(this.#devices[0] ?? 'nobody')
    for (const row of this.#rows) {
      if (row.kind === 'arrow') lines.push(`  ${id(row.from)}${row.dashed ? '-->>' : '->>'}${id(row.to)}: ${text(row.text)}`)
      else if (row.kind === 'note') lines.push(`  Note over ${row.over.map(id).join(',')}: ${text(row.text)}`)
      else lines.push(`  Note over ${all}: ${text(row.text)}`)
    }
    return lines.join('\n')
  }

  // -----------------------------------------------------------------------------------------------

  #device(userID: string, deviceID: string): string {
    const device = `${userID}/${deviceID}`
    if (!this.#recorded.includes(device)) this.#recorded.push(device)
    return device
  }

  #show(device: string): void {
    if (!this.#devices.includes(device)) this.#devices.push(device)
  }

  #note(over: readonly string[], text: string): void {
    over.forEach((device) => this.#show(device))
    this.#rows.push({ kind: 'note', over, text })
  }

  #alias(inviteID: string): string {
    if (!this.#aliases.has(inviteID)) this.#aliases.set(inviteID, this.#aliases.size + 1)
    return `#${this.#aliases.get(inviteID)!}`
  }

  #time(): string {
    return `+${((this.#clock.now() - this.#start) / 1000).toFixed(2)}s`
  }

  #arrow(from: string, to: string, text: string, dashed: boolean): void {
    this.#show(from)
    this.#show(to)
    this.#rows.push({ kind: 'arrow', from, to, text: dashed ? text : `${this.#time()} ${text}`, dashed })
  }

  #sent(device: string, payload: string): void {
    const decoded = decodeEnvelope(payload)
    if (decoded._tag === 'Left') return
    const envelope = decoded.right
    const sent: Sent = { seq: ++this.#seq, device, inviteID: envelope.inviteID, action: actionNames[envelope.actionType] ?? 'action' }
    this.#sends.set(payload, sent)
    this.#sentBy.push(sent)
    const outcome = outcomeOf[sent.action]
    if (outcome !== undefined) for (const invitee of envelope.inviteeList) this.#learn(device, envelope.inviteID, invitee, outcome, false)
  }

  #delivered(device: string, message: IncomingMessage): void {
    const from = this.#device(message.sender, message.senderDevice)
    const decoded = decodeEnvelope(message.payload)
    if (decoded._tag === 'Left') return this.#arrow(from, device, 'a message that is not signaling', false)
    const envelope = decoded.right
    const to = this.#groups && message.conversation.kind === 'group' ? `${message.conversation.groupID} (every member)` : device
    if (to !== device) {
      if (this.#drawn.has(message.payload)) return
      this.#drawn.add(message.payload)
    }
    const action = message.modified ? 'modify' : (actionNames[envelope.actionType] ?? 'action')
    const list = action === 'accept' || action === 'reject' ? '' : ` [${envelope.inviteeList.join(', ')}]`
    this.#arrow(from, to, `${action} ${this.#alias(envelope.inviteID)}${list}${brief(envelope.data)}`, false)
    const sent = this.#sends.get(message.payload)
    if (sent === undefined) return
    const crossed = this.#sentBy.find((s) => s.device === device && s.inviteID === envelope.inviteID && s.seq > sent.seq && s.action !== 'invite')
    if (crossed !== undefined) this.#note([from, device], `⚡ ${action} and ${crossed.action} crossed in flight`)
  }

  /** Notes a correction when a callback tells a device another outcome than it knew. */
  #learn(device: string, inviteID: string, invitee: string, outcome: string, fromCallback: boolean): void {
    const known = this.#known.get(device) ?? new Map<string, string>()
    this.#known.set(device, known)
    const key = `${inviteID}\u0000${invitee}`
    const before = known.get(key)
    known.set(key, outcome)
    if (fromCallback && before !== undefined && before !== outcome) {
      this.#note([device], `↺ correction: ${invitee} ${before} → ${outcome} (lost a race)`)
    }
  }
}
