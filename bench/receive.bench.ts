/**
 * What one received message costs a device, and what rejecting a hostile payload costs:
 *
 * - facade: µs per answer received by a member device of a 1,000-member group, from the payload
 *   string handed to the transport's `onMessage` listener to the app's `onInviteeAccepted` called:
 *   decode + shell + `step` + listener dispatch, and the collections of what they allocate. The
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
 * move wall time. The facade figure is the mean over {@link facadeRounds} rounds of a thousand
 * answers taken as one stream, collections included where they fall, with the median and quartiles
 * of the rounds beside it (a round a collection fell in reads higher: the median is the cost
 * without them) and what the collections in the windows took (in wall time, as `perf_hooks`
 * reports them). The others are medians of several timed runs.
 *
 * @module
 */
import { PerformanceObserver, performance } from 'node:perf_hooks'
import { createSignaling, decodeEnvelope, encodeEnvelope, maxEnvelopeBytes, type Envelope, type ImTransport, type IncomingMessage } from '@beckon/core'

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined)
const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * q)]!
const median = (xs: number[]): number => quantile(xs, 0.5)
/** Rounds of a thousand answers the facade figure is taken over. */
const facadeRounds = 61
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

/** CPU µs per answer in each round, and over every answer of the run. */
interface FacadeFigures {
  readonly rounds: number[]
  readonly mean: number
  /** Wall µs per answer the collections that fell in the timed windows took (`perf_hooks`' gc entries). */
  readonly collecting: number
}

/**
 * One invitation to the whole group per round, every member accepts; only the answers are timed.
 * The device takes them as one stream: every message is built, and the heap collected, before the
 * first round, so the collections during the rounds are of what the device allocated, and fall
 * where its allocations make them fall (a forced collection per round would overcount its fixed
 * cost; one outside the windows would hide it).
 */
const facadeRun = async (count: number): Promise<FacadeFigures> => {
  const { transport, deliver } = memberDevice()
  const signaling = createSignaling({ transport, limits: { maxEndedInvitations: count + 1 } })
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
  const collections: { start: number; duration: number }[] = []
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) collections.push({ start: entry.startTime, duration: entry.duration })
  })
  observer.observe({ entryTypes: ['gc'] })
  const windows: [number, number][] = []
  const rounds: number[] = []
  let total = 0
  for (let round = 0; round < count; round++) {
    const { invite, answers } = plan[round]!
    plan[round] = undefined
    deliver(invite)
    const opened = performance.now()
    const start = cpuMs()
    // An index, not an iterator: the iterator's result objects were the harness's garbage.
    for (let i = 0; i < answers.length; i++) deliver(answers[i]!)
    const spent = cpuMs() - start
    windows.push([opened, performance.now()])
    total += spent
    rounds.push((spent * 1_000) / answers.length)
  }
  signaling.close()
  if (heard !== count * groupSize) throw new Error(`heard ${heard} answers, expected ${count * groupSize}`)
  await new Promise((resolve) => setTimeout(resolve, 0)) // the observer hears of the last collections
  observer.disconnect()
  const inWindows = collections.filter(({ start }) => windows.some(([from, to]) => start >= from && start < to))
  const collecting = inWindows.reduce((sum, { duration }) => sum + duration, 0)
  return { rounds, mean: (total * 1_000) / (count * groupSize), collecting: (collecting * 1_000) / (count * groupSize) }
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
  await facadeRun(40) // warm-up: the optimizing compiler is done with the path by then
  const { rounds, mean, collecting } = await facadeRun(facadeRounds)
  const spread = `collections in the windows ${collecting.toFixed(2)} µs per answer in wall time; rounds: median ${median(rounds).toFixed(2)}, quartiles ${quantile(rounds, 0.25).toFixed(2)}–${quantile(rounds, 0.75).toFixed(2)}`
  return `facade: ${mean.toFixed(2)} µs per answer received by a member of a ${groupSize}-member group (target ≤ 2 µs; ${spread}): ${verdict(mean <= 2)}`
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
