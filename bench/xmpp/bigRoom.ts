/**
 * One group invitation to every member of a big room over XMPP: the inviter (a process of its
 * own, bigRoomInviter.ts) creates a group of `members` members plus itself, then invites all of
 * them in one `inviteInGroup`. The run watches a sample of member devices:
 *
 * - `online` devices connect after the group exists and before the invite (each catches up on
 *   its invitation to the room and sits in it); each must ring exactly once with the full
 *   invitee list, and answers at once (every other one accepts, the rest reject);
 * - the inviter must hear every one of those answers;
 * - `late` devices of other members connect only after the answers: they must catch up on the
 *   invite from the room's archive and ring exactly once with the full list;
 * - at the end every watched device must see the sample's answers as the inviter does.
 *
 * A ring or an answer missing is lost; a watched device whose view of a sample member differs
 * from the inviter's is a disagreement. Used by `npm run load:bigroom` (bigRoomLoad.ts) and the
 * bounded test in test/xmpp/bigroom.test.ts.
 *
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { XmppTransport, XmppTransportOptions } from '@beckon/adapter-im'
import { createSignaling, type Signaling } from '@beckon/core'
import type { DeviceMaker } from './concurrent.js'
import { ErrorTally, type ErrorKind } from './bigRoomErrors.js'
import type { InviterCommand, InviterConfig, InviterLine, Memory } from './bigRoomInviter.js'

export interface BigRoomOptions {
  /** Members besides the inviter, all invited. */
  readonly members: number
  /** Member devices connected before the invite, each answering. */
  readonly online: number
  /** Member devices connected after the answers, catching up from the archive. */
  readonly late: number
  readonly timeoutSeconds: number
  /** Account names: the inviter's, and the members' (see {@link memberName}). */
  readonly inviter: string
  readonly memberPrefix: string
  readonly memberDigits: number
  readonly groupID: string
  /** How the inviter's process logs in (its userID is {@link BigRoomOptions.inviter}). */
  readonly login: Pick<XmppTransportOptions, 'service' | 'domain' | 'password'>
  /** How long each phase may take before the run gives up on it, ms. */
  readonly phaseTimeoutMs: number
  readonly progress?: (line: string) => void
}

export interface BigRoomResult {
  readonly createMs: number
  /** inviteInGroup() call → it resolved, ms. */
  readonly inviteMs: number
  /** inviteInGroup() call → each online device rang, ms. */
  readonly ringMs: readonly number[]
  /** inviteInGroup() call → the inviter heard the last sample answer, ms. */
  readonly allAnswersMs: number
  /** A late device's connect() → it rang, ms. */
  readonly lateRingMs: readonly number[]
  readonly neverRang: number
  readonly rangTwice: number
  readonly wrongList: number
  readonly answersUnheard: number
  readonly disagreements: number
  readonly failures: readonly string[]
  /** How many errors the member devices' transports reported (onError). */
  readonly transportErrors: number
  /** All of them by kind, the most frequent first. */
  readonly transportErrorKinds: readonly ErrorKind[]
  /** Watched devices that never reported `connected` (caught up), with the kinds of error each reported. */
  readonly neverCaughtUp: readonly { readonly userID: string; readonly errors: readonly string[] }[]
  readonly inviterMemory: { readonly beforeCreate: Memory; readonly afterCreate: Memory; readonly afterInvite: Memory }
}

/** Member i's account: the prefix, then i padded with zeros to `memberDigits`. */
export const memberName = (naming: { readonly memberPrefix: string; readonly memberDigits: number }, i: number): string =>
  `${naming.memberPrefix}${String(i).padStart(naming.memberDigits, '0')}`

const inviterScript = fileURLToPath(new URL('./bigRoomInviter.ts', import.meta.url))

/** The inviter's process: commands in, lines out. */
class Inviter {
  readonly lines: InviterLine[] = []
  #exited = false

  constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (text) => this.lines.push(JSON.parse(text) as InviterLine))
    child.once('exit', () => (this.#exited = true))
  }

  static start(config: InviterConfig): Inviter {
    const args = ['--expose-gc', '--import', 'tsx', '--conditions=source', inviterScript, JSON.stringify(config)]
    return new Inviter(spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] }))
  }

  /** Send a command and wait for the first line of `kind` after it (or a failure). */
  async ask<K extends InviterLine['kind']>(command: InviterCommand | undefined, kind: K, timeoutMs: number): Promise<Extract<InviterLine, { kind: K }>> {
    const from = this.lines.length
    if (command !== undefined) this.child.stdin!.write(`${JSON.stringify(command)}\n`)
    const found = (): InviterLine | undefined => this.lines.slice(from).find((line) => line.kind === kind || line.kind === 'failed')
    await until(() => found() !== undefined || this.#exited, `the inviter's ${kind}`, timeoutMs)
    const line = found()
    if (line === undefined) throw new Error(`the inviter exited before ${kind}`)
    if (line.kind === 'failed') throw new Error(`the inviter's ${line.op} failed: ${line.error}`)
    return line as Extract<InviterLine, { kind: K }>
  }

  async stop(): Promise<void> {
    if (this.#exited) return
    this.child.stdin!.write(`${JSON.stringify({ op: 'exit' })}\n`)
    await until(() => this.#exited, 'the inviter to exit', 10_000).catch(() => this.child.kill('SIGKILL'))
  }
}

/** A watched member device and what it heard. */
interface Watched {
  readonly userID: string
  readonly transport: XmppTransport
  readonly signaling: Signaling
  readonly rings: { readonly inviteID: string; readonly list: readonly string[]; readonly at: number }[]
  connectedAt: number
  /** Whether it ever reported `connected`, i.e. caught up. */
  caughtUp: boolean
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

const until = async (condition: () => boolean, what: string, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(20)
  }
}

/**
 * The watched members, spread over the whole list: the online sample in even slots, the late
 * ones in odd slots, so the two never share a member (given at least one member per slot).
 */
const sample = (options: BigRoomOptions): { online: number[]; late: number[] } => {
  const slots = 2 * Math.max(options.online, options.late, 1)
  if (options.members < slots) throw new Error(`${options.members} members are too few to watch ${options.online} online and ${options.late} late`)
  const at = (slot: number): number => Math.floor((slot * options.members) / slots)
  return { online: Array.from({ length: options.online }, (_, k) => at(2 * k)), late: Array.from({ length: options.late }, (_, k) => at(2 * k + 1)) }
}

export const bigRoom = async (maker: DeviceMaker, options: BigRoomOptions): Promise<BigRoomResult> => {
  const say = options.progress ?? (() => undefined)
  const all = Array.from({ length: options.members }, (_, i) => memberName(options, i))
  const fullList = all.join('\n')
  const { online: onlineIdx, late: lateIdx } = sample(options)
  const failures: string[] = []
  const errors = new ErrorTally()
  const watched: Watched[] = []
  const watch = (i: number): Watched => {
    const userID = all[i]!
    const transport = maker.device(userID, 'bench', { onError: (error) => errors.add(userID, error) })
    const signaling = createSignaling({ transport })
    const w: Watched = { userID, transport, signaling, rings: [], connectedAt: Date.now(), caughtUp: false }
    transport.onConnectionChange((state) => (w.caughtUp ||= state === 'connected'))
    signaling.addSignalingListener({
      onReceiveNewInvitation: (inviteID, _inviter, _group, list) => {
        w.rings.push({ inviteID, list, at: Date.now() })
        if (!online.includes(w)) return
        const answer = online.indexOf(w) % 2 === 0 ? signaling.accept(inviteID, 'yes') : signaling.reject(inviteID, 'no')
        answer.catch((error: unknown) => failures.push(`${userID} could not answer: ${String(error)}`))
      },
    })
    watched.push(w)
    return w
  }
  // A member device connects in seconds; one still connecting after two minutes is stuck.
  const connectAll = async (devices: readonly Watched[]): Promise<void> =>
    until(() => devices.every((w) => w.transport.connectionState === 'connected'), 'member devices to connect', Math.min(options.phaseTimeoutMs, 120_000)).catch(() => {
      const stuck = devices.filter((w) => w.transport.connectionState !== 'connected').map((w) => w.userID)
      throw new Error(`${stuck.length} member devices did not connect: ${stuck.join(', ')}`)
    })

  const inviter = Inviter.start({
    transport: { ...options.login, userID: options.inviter, deviceID: 'inviter', sendWaitMs: options.phaseTimeoutMs },
    groupID: options.groupID,
    memberPrefix: options.memberPrefix,
    memberDigits: options.memberDigits,
    members: options.members,
    timeoutSeconds: options.timeoutSeconds,
  })
  const online: Watched[] = []
  try {
    await inviter.ask(undefined, 'ready', options.phaseTimeoutMs)
    const beforeCreate = (await inviter.ask({ op: 'memory' }, 'memory', 30_000)).memory
    say(`creating the group of ${options.members.toLocaleString('en')} members and the inviter`)
    const { ms: createMs } = await inviter.ask({ op: 'create' }, 'created', options.phaseTimeoutMs)
    const afterCreate = (await inviter.ask({ op: 'memory' }, 'memory', 30_000)).memory
    say(`created in ${(createMs / 1000).toFixed(1)} s; connecting ${options.online} member devices`)

    // In batches, so that logins do not all land on the server in one instant.
    for (let k = 0; k < onlineIdx.length; k += 10) {
      const batch = onlineIdx.slice(k, k + 10).map(watch)
      // A device that does not connect in time is reported, and the run goes on without it.
      await connectAll(batch).catch((e: unknown) => failures.push(String(e)))
      online.push(...batch.filter((w) => w.transport.connectionState === 'connected'))
      say(`${online.length} of ${onlineIdx.length} member devices connected`)
    }
    say(`${online.length} member devices connected; inviting every member`)

    const invited = await inviter.ask({ op: 'invite' }, 'invited', options.phaseTimeoutMs)
    await until(() => online.every((w) => w.rings.length > 0), 'every online member device to ring', options.phaseTimeoutMs).catch((e: unknown) => failures.push(String(e)))
    const sampleIDs = new Set(online.map((w) => w.userID))
    const answered = (): Set<string> => new Set(inviter.lines.flatMap((l) => (l.kind === 'answer' && l.inviteID === invited.inviteID && sampleIDs.has(l.invitee) ? [l.invitee] : [])))
    await until(() => answered().size === sampleIDs.size, 'the inviter to hear every answer', options.phaseTimeoutMs).catch((e: unknown) => failures.push(String(e)))
    const answerTimes = inviter.lines.flatMap((l) => (l.kind === 'answer' && l.inviteID === invited.inviteID ? [l.at] : []))
    const afterInvite = (await inviter.ask({ op: 'memory' }, 'memory', 30_000)).memory
    say(`rang and answered; connecting ${options.late} member devices late`)

    const late = lateIdx.map(watch)
    await connectAll(late).catch((e: unknown) => failures.push(String(e)))
    await until(() => late.every((w) => w.rings.length > 0), 'every late member device to ring', options.phaseTimeoutMs).catch((e: unknown) => failures.push(String(e)))
    // Let what is in flight land (late devices hear the sample's answers from the archive).
    await sleep(1_000)

    const { states } = await inviter.ask({ op: 'view', userIDs: [...sampleIDs] }, 'view', 30_000)
    let disagreements = 0
    for (const w of watched) {
      const view = w.signaling.getInvitation(invited.inviteID)
      const mine = new Map(view?.invitees.map((i) => [i.userID, i.state]))
      for (const id of sampleIDs) if (mine.get(id) !== states[id]) disagreements++
    }
    const ringsOf = (w: Watched) => w.rings.filter((r) => r.inviteID === invited.inviteID)
    return {
      createMs,
      inviteMs: invited.ms,
      ringMs: online.flatMap((w) => ringsOf(w).slice(0, 1).map((r) => r.at - invited.calledAt)),
      allAnswersMs: answerTimes.length === 0 ? Number.NaN : Math.max(...answerTimes) - invited.calledAt,
      lateRingMs: late.flatMap((w) => ringsOf(w).slice(0, 1).map((r) => r.at - w.connectedAt)),
      neverRang: watched.filter((w) => ringsOf(w).length === 0).length,
      rangTwice: watched.filter((w) => w.rings.length > 1).length,
      wrongList: watched.filter((w) => ringsOf(w).some((r) => r.list.join('\n') !== fullList)).length,
      answersUnheard: sampleIDs.size - answered().size,
      disagreements,
      failures,
      transportErrors: errors.total,
      transportErrorKinds: errors.kinds(),
      neverCaughtUp: watched.filter((w) => !w.caughtUp).map((w) => ({ userID: w.userID, errors: errors.kindsOf(w.userID) })),
      inviterMemory: { beforeCreate, afterCreate, afterInvite },
    }
  } finally {
    for (const w of watched) w.signaling.close()
    await Promise.all(watched.map((w) => w.transport.disconnect()))
    await inviter.stop()
  }
}
