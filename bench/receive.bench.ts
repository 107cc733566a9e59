/**
 * What one received message costs a device, and what rejecting a hostile payload costs:
 *
 * - facade: µs per answer received by a member device of a 1,000-member group, from the payload
 *   string handed to the transport's `onMessage` listener to the app's `onInviteeAccepted` called:
 *   decode + shell + `step` + listener dispatch, and the collections of what they allocate and of
 *   what the device keeps (the group's invitation, then its tombstone). Beside it, the mean over
 *   every message of the timed rounds, each round's invite included. The
 *   payload is flat, as a transport's decoder hands it over (the rope `JSON.stringify` returns would
 *   be flattened by the first search of it, inside the timed window); the message object around it
 *   is the transport's, built before the window. Target ≤ 2 µs.
 * - decode: µs for `decodeEnvelope` on that answer alone (a typical envelope).
 * - reject vs accept: the slowest rejection among hostile payloads of at most 12 KB (deep nesting,
 *   huge lists, nesting inside known keys) against accepting the largest valid envelope. Target ≤ 1×:
 *   rejecting anything costs no more than accepting the largest valid input.
 *
 * Run: `node --expose-gc --import tsx --conditions=source bench/receive.bench.ts` (add `facade` to
 * time the facade figure alone, for a profile or a before/after pair).
 * Every figure is taken after a warm-up, in CPU time of this process (`process.cpuUsage`, which
 * counts V8's helper threads too), so other processes on a busy machine move it less than they
 * move wall time. The facade figure is the mean over every answer of {@link facadeRounds} rounds
 * of a thousand, taken as one stream by a device that took {@link warmRounds} rounds before them
 * (untimed, the same code) and keeps every ended invitation, collections included where they
 * fall, with the median, quartiles and maximum of the rounds beside it (a round a collection fell
 * in reads higher: the median is the cost without them), how many collections fell in the timed
 * rounds and what they took (in wall time, as `perf_hooks` reports them). The others are medians
 * of several timed runs.
 *
 * @module
 */
import { constants, PerformanceObserver, performance } from 'node:perf_hooks'
import { createSignaling, decodeEnvelope, encodeEnvelope, maxEnvelopeBytes, type Envelope, type ImTransport, type IncomingMessage } from '@beckon/core'

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined)
const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * q)]!
const median = (xs: number[]): number => quantile(xs, 0.5)
/**
 * Rounds of a thousand answers the facade figure is taken over: about six young-generation
 * collections fall in them (one every 30 rounds), so one more or less moves the mean by about
 * 0.07 µs, where over 61 rounds it moved it by 0.2 µs.
 */
const facadeRounds = 181
/** Rounds the same device takes, untimed, before them. */
const warmRounds = 40
const t0 = 1_700_000_000_000
/** CPU time this process has used, in ms. */
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1_000
}

// -------------------------------------------------------------------------------------------------
// A transport that costs nothing: the member device of one group, fed by hand
// -------------------------------------------------------------------------------------------------

const groupID = 'big-room'
const host = 'host'
const groupSize = 1_000
/** Short ids, so the invite of 1,000 invitees fits Tencent's 12 KB envelope. */
const memberID = (i: number): string => `u${i.toString(36)}`
const members = Array.from({ length: groupSize }, (_, i) => memberID(i))

const memberDevice = () => {
  let deliver: (message: IncomingMessage) => void = () => undefined
  const never = () => new Promise<never>(() => undefined)
  const transport: ImTransport = {
    userID: 'observer',
    deviceID: 'tablet',
    send: never,
    replace: never,
    onMessage: (listener) => {
      deliver = listener
      return () => undefined
    },
    createGroup: async () => undefined,
    joinGroup: async () => undefined,
    quitGroup: async () => undefined,
    dismissGroup: async () => undefined,
    getGroupMembers: async () => members,
    onMembershipChange: () => () => undefined,
    connectionState: 'connected',
    onConnectionChange: () => () => undefined,
    serverNow: () => t0 + 1_000,
    clock: { now: () => 0, setTimeout: () => 0, clearTimeout: () => undefined },
  }
  return { transport, deliver: (message: IncomingMessage) => deliver(message) }
}

/** `text` as one flat string: reading a character makes V8 flatten a rope in place. */
const flat = (text: string): string => {
  void text.charCodeAt(0)
  return text
}

const message = (messageID: string, sender: string, envelope: Envelope): IncomingMessage => ({
  messageID,
  sender,
  senderDevice: 'phone',
  conversation: { kind: 'group', groupID },
  payload: flat(encodeEnvelope(envelope)),
  serverTime: t0,
  fromMyOtherDevice: false,
  modified: false,
})

const envelopeOf = (inviteID: string, actionType: Envelope['actionType'], inviteeList: readonly string[], actionID: string): Envelope => ({
  businessID: 1,
  inviteID,
  groupID,
  inviter: host,
  inviteeList,
  data: '{"room_id":42}',
  timeout: 30,
  actionType,
  onlineUserOnly: false,
  beckon: { actionID },
})

const inviteIDOf = (round: number): string => `9b2f6c1e-0d4a-4c5e-9a7b-${round.toString(16).padStart(12, '0')}`

/** What one round delivers: the invite to the whole group, then every member's acceptance. */
interface Round {
  readonly invite: IncomingMessage
  readonly answers: readonly IncomingMessage[]
}

const roundOf = (round: number): Round => {
  const inviteID = inviteIDOf(round)
  return {
    invite: message(`m-${round}-invite`, host, envelopeOf(inviteID, 1, members, `a-${round}-invite`)),
    answers: members.map((m, i) => message(`m-${round}-${i}`, m, envelopeOf(inviteID, 3, [m], `0f3e2d1c-${round}-${i}`))),
  }
}

/** CPU µs per answer in each timed round, and over every timed answer of the run. */
interface FacadeFigures {
  readonly rounds: number[]
  readonly mean: number
  /** CPU µs per message over every message of the timed rounds, their invites included. */
  readonly perMessage: number
  /** The median CPU µs a timed round's invite took. */
  readonly invite: number
  /** Wall µs per timed answer the collections that fell in the timed rounds took (`perf_hooks`' gc entries). */
  readonly collecting: number
  /** How many collections fell in the timed windows: young-generation (scavenges), full (mark-compact), and other (incremental marking steps, weak callbacks). */
  readonly minor: number
  readonly major: number
  readonly other: number
  /** Invitations the device held when the last round ended (every one ended: tombstones). */
  readonly held: number
}

/**
 * Every answer of a round to the device, one by one. A function of its own, called once a round:
 * V8 optimizes it as a whole while the device warms up, where a loop in the run's body was
 * compiled on the stack, inside the timed rounds, by then. An index, not an iterator: the
 * iterator's result objects were the harness's garbage.
 */
const deliverAll = (deliver: (message: IncomingMessage) => void, answers: readonly IncomingMessage[]): void => {
  for (let i = 0; i < answers.length; i++) deliver(answers[i]!)
}

/**
 * One invitation to the whole group per round, every member accepts; the figure is per answer.
 * One device takes every round as one stream, as a long-running app's would: the first `warm`
 * rounds run the same code as the timed ones, untimed, so V8 has optimized this device's closures
 * and the harness before the first timed answer (a new device's closures are compiled afresh:
 * a run on a device of its own before did not warm this one), and the device holds the tombstones
 * of `warm` ended invitations when timing starts (its default limits keep every one: fewer than
 * `maxEndedInvitations`, none past its retention, the clock never moves). Every message is built,
 * and the heap collected, before the first round; none after: the collections during the timed
 * rounds are of what the device allocated and retained, and fall where its allocations make them
 * fall, the first of them on what the warm-up left (as the last timed round's leaves the next
 * one's). Every timed answer is counted, and a timed round's invite too, beyond the median
 * invite: a collection falling while an invite is taken is charged to the answers, which left
 * most of what it collects. (Rounds allocate alike, so collections fall at about the same point of
 * a round run after run: in some runs nearly all of them while an invite is taken, in others while
 * answers are.)
 */
const facadeRun = async (warm: number, timed: number): Promise<FacadeFigures> => {
  const count = warm + timed
  const { transport, deliver } = memberDevice()
  const signaling = createSignaling({ transport })
  let heard = 0
  signaling.addSignalingListener({ onInviteeAccepted: () => void heard++ })
  signaling.addDiagnosticListener((d) => {
    throw new Error(`unexpected diagnostic: ${d.reason} ${d.detail}`)
  })
  await Promise.resolve() // listeners hear everything once construction is over
  const plan: (Round | undefined)[] = Array.from({ length: count }, (_, round) => roundOf(round))
  // A full collection leaves its sweeping to helper threads, whose time `process.cpuUsage` counts:
  // the second one finishes the first's sweeping before the rounds start.
  gc()
  gc()
  const collections: { start: number; duration: number; kind: number | undefined }[] = []
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      collections.push({ start: entry.startTime, duration: entry.duration, kind: (entry as { detail?: { kind?: number } }).detail?.kind })
    }
  })
  observer.observe({ entryTypes: ['gc'] })
  const windows: [number, number][] = []
  const invites: number[] = []
  const answering: number[] = []
  for (let round = 0; round < count; round++) {
    const { invite, answers } = plan[round]!
    plan[round] = undefined
    const opened = performance.now()
    const start = cpuMs()
    deliver(invite)
    const invited = cpuMs()
    deliverAll(deliver, answers)
    const answered = cpuMs()
    if (round < warm) continue
    windows.push([opened, performance.now()])
    invites.push(invited - start)
    answering.push(answered - invited)
  }
  // A collection that falls while an invite is taken collects what the answers left as much as what
  // the invite did: each round is charged all it took but the median invite (one no collection fell in).
  const invite = median(invites)
  const rounds = answering.map((spent, i) => ((spent + invites[i]! - invite) * 1_000) / groupSize)
  const total = rounds.reduce((sum, perAnswer) => sum + perAnswer, 0)
  const all = answering.reduce((sum, spent, i) => sum + spent + invites[i]!, 0)
  const held = signaling.listInvitations().length
  signaling.close()
  if (heard !== count * groupSize) throw new Error(`heard ${heard} answers, expected ${count * groupSize}`)
  await new Promise((resolve) => setTimeout(resolve, 0)) // the observer hears of the last collections
  observer.disconnect()
  const inWindows = collections.filter(({ start }) => windows.some(([from, to]) => start >= from && start < to))
  const collecting = inWindows.reduce((sum, { duration }) => sum + duration, 0)
  const ofKind = (kind: number): number => inWindows.filter((c) => c.kind === kind).length
  const minor = ofKind(constants.NODE_PERFORMANCE_GC_MINOR)
  const major = ofKind(constants.NODE_PERFORMANCE_GC_MAJOR)
  const other = inWindows.length - minor - major
  return { rounds, mean: total / timed, perMessage: (all * 1_000) / (timed * (groupSize + 1)), invite: invite * 1_000, collecting: (collecting * 1_000) / (timed * groupSize), minor, major, other, held }
}

// -------------------------------------------------------------------------------------------------
// Decoding alone
// -------------------------------------------------------------------------------------------------

/** µs per `decodeEnvelope(payload)`: calls repeated for at least `ms`, then the mean. */
const decodeOnce = (payload: string, ms: number): number => {
  let calls = 0
  let sink = 0
  const start = cpuMs()
  let elapsed = 0
  do {
    for (let i = 0; i < 16; i++) if (decodeEnvelope(payload)._tag === 'Right') sink++
    calls += 16
    elapsed = cpuMs() - start
  } while (elapsed < ms)
  if (sink < 0) console.log(sink)
  return (elapsed * 1_000) / calls
}

/**
 * µs per `decodeEnvelope` for each payload, measured in interleaved rounds (so a burst of load
 * from elsewhere hits every payload alike), median over the rounds.
 */
const decodeCosts = (payloads: readonly string[], rounds = 9, ms = 10): number[] => {
  const figures = payloads.map(() => [] as number[])
  for (let round = 0; round < rounds; round++) {
    gc()
    payloads.forEach((payload, i) => figures[i]!.push(decodeOnce(payload, ms)))
  }
  return figures.map(median)
}

/** Valid envelopes of exactly 12 KB, each filled another way; accepting the costliest is the bar. */
const largestValid = (): Record<string, string> => {
  const base = envelopeOf(inviteIDOf(0), 1, members.slice(0, 8), 'a-largest')
  const fill = (name: string, make: (room: number) => string): string => {
    const room = maxEnvelopeBytes - encodeEnvelope({ ...base, data: '' }).length
    const payload = make(room)
    if (payload.length !== maxEnvelopeBytes || decodeEnvelope(payload)._tag !== 'Right') throw new Error(`${name}: not a valid 12 KB envelope`)
    return payload
  }
  const withExtra = (room: number, item: string): string => {
    const head = encodeEnvelope(base).slice(0, -1)
    const items = Math.floor((maxEnvelopeBytes - head.length - ',"extra":[]}'.length + 1) / (item.length + 1))
    const list = `[${Array.from({ length: items }, () => item).join(',')}]`
    const payload = `${head},"extra":${list}}`
    return `${payload.slice(0, -1)}${' '.repeat(maxEnvelopeBytes - payload.length)}}`
  }
  return {
    'long data': fill('long data', (room) => encodeEnvelope({ ...base, data: 'x'.repeat(room) })),
    'many invitees': fill('many invitees', () => {
      const head = encodeEnvelope({ ...base, inviteeList: ['u0'] })
      const count = Math.floor((maxEnvelopeBytes - head.length) / 6)
      const payload = encodeEnvelope({ ...base, inviteeList: Array.from({ length: count + 1 }, (_, i) => `u${(i % 1296).toString(36).padStart(2, '0')}`) })
      return `${payload.slice(0, -1)}${' '.repeat(maxEnvelopeBytes - payload.length)}}`
    }),
    'many numbers in another key': fill('numbers', (room) => withExtra(room, '1')),
    'many 32-deep arrays in another key': fill('arrays', (room) => withExtra(room, `${'['.repeat(30)}${']'.repeat(30)}`)),
  }
}

/** Payloads of at most 12 KB built to be expensive to reject. */
const hostile = (): Record<string, string> => {
  const fill = (open: string, close: string, inner = '', prefix = '', suffix = ''): string => {
    const depth = Math.floor((maxEnvelopeBytes - prefix.length - suffix.length - inner.length) / (open.length + close.length))
    return `${prefix}${open.repeat(depth)}${inner}${close.repeat(depth)}${suffix}`
  }
  const head = '{"businessID":1,"inviteID":"x","inviter":"a","actionType":1,"inviteeList":["b"],'
  const payloads: Record<string, string> = {
    'nested arrays': fill('[', ']'),
    'nested objects': fill('{"a":', '}', '1'),
    'nested arrays in data': fill('[', ']', '', `${head}"data":`, '}'),
    'nested objects in data': fill('{"a":', '}', '1', `${head}"data":`, '}'),
    'nested arrays in inviteeList': fill('[', ']', '', '{"businessID":1,"inviteID":"x","inviter":"a","actionType":1,"inviteeList":', '}'),
    'nested arrays in beckon': fill('[', ']', '', `${head}"beckon":`, '}'),
    'nested unknown key, bad action': fill('[', ']', '', `${head.replace('"actionType":1', '"actionType":9')}"extra":`, '}'),
    'unclosed nesting': '['.repeat(maxEnvelopeBytes),
    'many invitees, one bad': `${head.replace('"inviteeList":["b"],', '')}"inviteeList":[${'"b",'.repeat(Math.floor((maxEnvelopeBytes - head.length - 10) / 4))}1]}`,
    'many numbers': `[${'1,'.repeat(Math.floor(maxEnvelopeBytes / 2) - 2)}1]`,
  }
  for (const [name, payload] of Object.entries(payloads)) {
    if (payload.length > maxEnvelopeBytes) throw new Error(`${name} is over 12 KB`)
    if (decodeEnvelope(payload)._tag !== 'Left') throw new Error(`${name} decodes`)
  }
  return payloads
}

// -------------------------------------------------------------------------------------------------
// Report
// -------------------------------------------------------------------------------------------------

const verdict = (met: boolean): string => (met ? 'MET' : 'MISSED')

const facadeLine = async (): Promise<string> => {
  const { rounds, mean, perMessage, invite, collecting, minor, major, other, held } = await facadeRun(warmRounds, facadeRounds)
  const spread = `${minor} young, ${major} full and ${other} other collections in the timed rounds, ${collecting.toFixed(2)} µs per answer in wall time; ${held} ended invitations held at the end; rounds: median ${median(rounds).toFixed(2)}, quartiles ${quantile(rounds, 0.25).toFixed(2)}–${quantile(rounds, 0.75).toFixed(2)}, max ${Math.max(...rounds).toFixed(2)}; every message of the timed rounds, invites (median ${invite.toFixed(0)} µs) included: ${perMessage.toFixed(2)} µs`
  return `facade: ${mean.toFixed(2)} µs per answer received by a member of a ${groupSize}-member group (target ≤ 2 µs, for the answers and for every message with the invites: ${spread}): ${verdict(mean <= 2 && perMessage <= 2)}`
}

const main = async (): Promise<void> => {
  if (process.argv.includes('facade')) return console.log(await facadeLine())
  const facade = await facadeLine()
  const answer = message('m-typical', 'u1', envelopeOf(inviteIDOf(1), 3, ['u1'], '0f3e2d1c-5b6a-4798-8a1b-2c3d4e5f6a7b')).payload
  decodeCosts([answer], 2) // warm-up
  const [decode] = decodeCosts([answer]) as [number]

  const valid = Object.entries(largestValid())
  const attacks = Object.entries(hostile())
  const all = [...valid, ...attacks]
  decodeCosts(all.map(([, payload]) => payload), 2, 2) // warm-up
  const costs = decodeCosts(all.map(([, payload]) => payload))
  const accepts = valid.map(([name], i) => [name, costs[i]!] as const)
  const rejects = attacks.map(([name], i) => [name, costs[valid.length + i]!] as const)
  const costliest = (rows: (readonly [string, number])[]) => rows.reduce((a, b) => (b[1] > a[1] ? b : a))
  const [acceptName, accept] = costliest(accepts)
  const [rejectName, reject] = costliest(rejects)
  const ratio = reject / accept

  console.log(`node ${process.version}, ${process.platform} ${process.arch}`)
  console.log(facade)
  console.log(`decode: ${decode.toFixed(2)} µs per typical answer envelope (${answer.length} bytes)`)
  for (const [name, cost] of accepts) console.log(`  accept 12 KB, ${name.padEnd(36)} ${cost.toFixed(2).padStart(9)} µs`)
  for (const [name, cost] of rejects) console.log(`  reject ${name.padEnd(42)} ${cost.toFixed(2).padStart(9)} µs  ${(cost / accept).toFixed(2)}×`)
  const plain = accepts[0]![1]
  console.log(`reject vs accept: costliest rejection (${rejectName}) against the costliest valid 12 KB envelope (${acceptName}): ${ratio.toFixed(2)}× (target ≤ 1×): ${verdict(ratio <= 1)}`)
  console.log(`  (against the plain valid 12 KB envelope, ${accepts[0]![0]}: ${(reject / plain).toFixed(2)}×; parsing a 12 KB list or array costs what it costs, valid or not)`)
}

await main()
