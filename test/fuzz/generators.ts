/**
 * fast-check arbitraries for the transport fuzz: what an attacker, a broken client or a faulty
 * network can put in front of a device. Envelopes are built as lists of JSON *entries* and written
 * out by hand, so inputs can carry duplicate keys, `__proto__` as an own key, raw tokens that are
 * not JSON (`NaN`, `undefined`) and any key order — things `JSON.stringify` of an object cannot.
 *
 * @module
 */
import { fc } from '@fast-check/vitest'
import { maxEnvelopeBytes, maxTimeoutSeconds, type Conversation, type IncomingMessage } from '@beckon/core'

// -------------------------------------------------------------------------------------------------
// Inputs
// -------------------------------------------------------------------------------------------------

export const categories = [
  'random-string',
  'random-json',
  'mutated',
  'unknown-action',
  'forged',
  'foreign-group',
  'mismatched-group',
  'replay',
  'replay-after-retention',
  'real-send',
] as const
export type Category = (typeof categories)[number]

/** A message handed straight to one watched device (`MemoryIm.inject`). */
export interface InjectInput {
  readonly via: 'inject'
  readonly category: Category
  /** Index into the world's watched devices. */
  readonly target: number
  readonly sender: string
  readonly senderDevice: string
  readonly conversation: Conversation
  readonly payload: string
  readonly fromMyOtherDevice: boolean
  readonly modified: boolean
  /** Set for replays: the very message the device received before (id and server time included). */
  readonly replayOf?: IncomingMessage
}

/** A message sent through the IM by an authenticated attacker device. */
export interface SendInput {
  readonly via: 'send'
  readonly category: Category
  readonly from: 'mallory' | 'carolEvil'
  readonly to: Conversation
  readonly payload: string
}

export type FuzzInput = InjectInput | SendInput

/** What the generators know of the world. */
export interface GenContext {
  readonly devices: readonly { readonly userID: string; readonly deviceID: string; readonly received: readonly IncomingMessage[] }[]
  /** Every invitation some watched device holds. */
  readonly invitations: readonly KnownInvitation[]
  readonly heldIDs: readonly string[]
  readonly groupIDs: readonly string[]
}

export interface KnownInvitation {
  readonly inviteID: string
  readonly inviter: string
  readonly groupID: string
  readonly invitees: readonly string[]
  readonly data: string
  readonly timeout: number
}

// -------------------------------------------------------------------------------------------------
// JSON text with exact entries
// -------------------------------------------------------------------------------------------------

/** A value written verbatim into the JSON text (`NaN`, `undefined`, a nested `__proto__` object…). */
export interface Raw {
  readonly raw: string
}

type Value = unknown
type Entries = readonly (readonly [string, Value])[]

const isRaw = (value: Value): value is Raw => typeof value === 'object' && value !== null && 'raw' in value && Object.keys(value).length === 1

const text = (value: Value): string => {
  if (isRaw(value)) return value.raw
  if (Array.isArray(value)) return `[${value.map(text).join(',')}]`
  return JSON.stringify(value) ?? 'null'
}

/** `{"k":v,…}` with exactly these entries, in this order, duplicates and `__proto__` included. */
export const objectText = (entries: Entries): string => `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${text(value)}`).join(',')}}`

// -------------------------------------------------------------------------------------------------
// Value pools
// -------------------------------------------------------------------------------------------------

const long = (n: number, unit = 'a'): string => unit.repeat(n)
/** Payload padding that makes a whole envelope exactly `bytes` long in UTF-8. */
const padTo = (entries: Entries, bytes: number, unit: string, unitBytes: number): Entries => {
  const without = entries.filter(([key]) => key !== 'data')
  const base = new TextEncoder().encode(objectText([...without, ['data', '']])).length
  const room = Math.max(0, bytes - base)
  return [...without, ['data', unit.repeat(Math.floor(room / unitBytes)) + 'a'.repeat(room % unitBytes)]]
}

const protoValues: Value[] = [
  { raw: '{"__proto__":{"polluted":"yes"}}' },
  { raw: '{"constructor":{"prototype":{"polluted":"yes"}}}' },
  { raw: '{"prototype":{"polluted":"yes"}}' },
  { raw: '[{"__proto__":{"polluted":"yes"}}]' },
]

const rawTokens: Value[] = ['NaN', 'Infinity', '-Infinity', 'undefined', '1e999', '-1e999', '0x10', '01', '.5', '+1', '--1', "'x'", 'nul', '[1,]', '{"a":1,}'].map(
  (raw) => ({ raw }),
)

const idLike = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf']

const weirdValue: fc.Arbitrary<Value> = fc.oneof(
  fc.constantFrom<Value>(
    null,
    true,
    false,
    0,
    -0,
    1,
    2,
    3,
    4,
    5,
    6,
    -1,
    1.5,
    0.1,
    1e308,
    -1e308,
    5e-324,
    2 ** 31,
    2 ** 53,
    maxTimeoutSeconds,
    maxTimeoutSeconds + 1,
    '',
    ' ',
    '0',
    '1',
    '3',
    'true',
    'null',
    '\u0000',
    '\ud800',
    '😀',
    'ǅ\u0301',
    long(256),
    long(257),
    [],
    {},
    [''],
    [null],
    [1],
    [[]],
    [{}],
    ...idLike,
  ),
  fc.constantFrom(...rawTokens, ...protoValues),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.string({ unit: 'binary', maxLength: 10 }),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 4 }),
  fc.jsonValue({ maxDepth: 2 }),
)

const users = ['alice', 'bob', 'carol', 'dave', 'mallory']
const oddUsers = ['__proto__', 'constructor', 'prototype', 'eve', 'Alice', 'bob ', '😀', long(257)]
const userArb = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...users) }, { weight: 1, arbitrary: fc.constantFrom(...oddUsers) })

const envelopeKeys = ['businessID', 'inviteID', 'groupID', 'inviter', 'inviteeList', 'data', 'timeout', 'actionType', 'onlineUserOnly', 'beckon'] as const
type EnvelopeKey = (typeof envelopeKeys)[number]
const extraKeys = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'extra', 'BusinessID', 'actiontype', '']

/** Values aimed at one key: what a confused or hostile client puts there. */
const valuesFor = (ctx: GenContext): Record<EnvelopeKey, fc.Arbitrary<Value>> => {
  const ids = [...ctx.invitations.map((i) => i.inviteID), ...ctx.heldIDs, 'unknown-1', ...idLike, '', long(256), long(257), '😀', 'a b']
  return {
    businessID: fc.constantFrom<Value>('1', 2, 0, -1, null, true, [1], 1.5, { raw: '1.0' }, { raw: '1e0' }, { raw: '01' }),
    inviteID: fc.oneof(fc.constantFrom<Value>(...ids), weirdValue),
    groupID: fc.oneof(fc.constantFrom<Value>('', 'g1', 'g2', 'g3', ' g1', 'G1', ...idLike), weirdValue),
    inviter: fc.oneof(userArb, weirdValue),
    inviteeList: fc.oneof(
      fc.constantFrom<Value>([], [''], [long(257)], ['__proto__'], ['bob', 'bob'], ['bob', 'carol', 'bob'], [1], [null], [{}], ['bob', 1], 'bob', { raw: '{"0":"bob"}' }),
      fc.array(userArb, { minLength: 1, maxLength: 6 }),
      fc.integer({ min: 500, max: 3000 }).map((n) => Array.from({ length: n }, (_, i) => `u${i}`)),
      fc.integer({ min: 4000, max: 12000 }).map((n) => Array.from({ length: n }, (_, i) => `u${i}`)),
      weirdValue,
    ),
    data: fc.oneof(
      fc.constantFrom<Value>(long(maxEnvelopeBytes + 1, 'x'), long(4000, '😀'), long(7000, 'é'), 42, null, { raw: '{"room":1}' }, ['a']),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      weirdValue,
    ),
    timeout: fc.oneof(fc.constantFrom<Value>(-1, -0.5, 1.5, '30', maxTimeoutSeconds + 1, 1e308, null, { raw: 'NaN' }, { raw: '1e999' }), weirdValue),
    actionType: fc.oneof(fc.constantFrom<Value>(0, 6, 7, -1, 1.5, 2.0000001, '1', '3', 1e308, null, true, [3], { raw: '3.0' }, { raw: '3e0' }), weirdValue),
    onlineUserOnly: fc.oneof(fc.constantFrom<Value>('true', 1, 0, null, 'false'), weirdValue),
    beckon: fc.oneof(
      fc.constantFrom<Value>(null, 'x', {}, [], { actionID: '' }, { actionID: 5 }, { actionID: '!' }, { actionID: long(257) }, { actionID: '\u0000' }, ...protoValues),
      fc.constantFrom<Value>({ actionID: 'a', seq: -1 }, { actionID: 'a', seq: 1.5 }, { actionID: 'a', seq: '2' }, { actionID: 'a', seq: 2 ** 53 }, { actionID: 'a', seq: null }),
      fc.string({ maxLength: 12 }).map((actionID) => ({ actionID })),
      weirdValue,
    ),
  }
}

// -------------------------------------------------------------------------------------------------
// Templates: plausible envelopes about the fixture's invitations
// -------------------------------------------------------------------------------------------------

interface Template {
  readonly entries: Entries
  /** Who would naturally send it. */
  readonly sender: string
  readonly groupID: string
}

const entriesOf = (fields: Record<EnvelopeKey, Value>): [string, Value][] => envelopeKeys.map((key) => [key, fields[key]])

const templateArb = (ctx: GenContext): fc.Arbitrary<Template> =>
  fc
    .record({
      invitation: fc.constantFrom(...ctx.invitations),
      fresh: fc.nat(9).map((n) => n === 0),
      actionType: fc.integer({ min: 1, max: 5 }),
      invitee: fc.nat(),
      actionID: fc.oneof(fc.constantFrom('!', '0', 'zzzz', 'alice:0001'), fc.string({ minLength: 1, maxLength: 12 })),
      data: fc.oneof(fc.constant(''), fc.string({ maxLength: 12 })),
      listAll: fc.boolean(),
    })
    .map(({ invitation, fresh, actionType, invitee, actionID, data, listAll }) => {
      const one = invitation.invitees[invitee % invitation.invitees.length]!
      const byInviter = actionType === 1 || actionType === 2 || (actionType === 5 && listAll)
      const entries = entriesOf({
        businessID: 1,
        inviteID: fresh ? `fresh-${actionID}` : invitation.inviteID,
        groupID: invitation.groupID,
        inviter: invitation.inviter,
        inviteeList: byInviter ? [...invitation.invitees] : [one],
        data: actionType === 5 ? invitation.data : data,
        timeout: invitation.timeout,
        actionType,
        onlineUserOnly: false,
        beckon: { actionID },
      })
      return { entries, sender: byInviter ? invitation.inviter : one, groupID: invitation.groupID }
    })

/** A template or a message some device really received (its payload's entries). */
const baseArb = (ctx: GenContext): fc.Arbitrary<Template> => {
  const received = ctx.devices.flatMap((device) => device.received)
  const capturedArb = fc.constantFrom(...received).map((message): Template => {
    const parsed = JSON.parse(message.payload) as Record<string, Value>
    return { entries: Object.entries(parsed), sender: message.sender, groupID: typeof parsed.groupID === 'string' ? parsed.groupID : '' }
  })
  return fc.oneof({ weight: 3, arbitrary: templateArb(ctx) }, { weight: 1, arbitrary: capturedArb })
}

// -------------------------------------------------------------------------------------------------
// Mutations
// -------------------------------------------------------------------------------------------------

type Mutation = (entries: Entries) => Entries

/** Well-typed values for one key: they keep the envelope decodable and move it to another invitation, role or fact. */
const plausibleFor = (ctx: GenContext): Record<EnvelopeKey, fc.Arbitrary<Value>> => {
  const invitees = fc.uniqueArray(fc.constantFrom(...users), { minLength: 1, maxLength: 4 })
  return {
    businessID: fc.constant(1),
    inviteID: fc.constantFrom(...ctx.invitations.map((i) => i.inviteID), ...ctx.heldIDs, 'unknown-1'),
    groupID: fc.constantFrom('', ...ctx.groupIDs),
    inviter: fc.constantFrom(...users),
    inviteeList: fc.oneof(invitees, fc.constantFrom(...ctx.invitations.map((i) => [...i.invitees]))),
    data: fc.string({ maxLength: 8 }),
    timeout: fc.constantFrom(0, 1, 30, 3600),
    actionType: fc.integer({ min: 1, max: 5 }),
    onlineUserOnly: fc.boolean(),
    beckon: fc.oneof(
      fc.constantFrom('!', '0', 'zzzz', 'alice:0001', 'x-held-1').map((actionID) => ({ actionID })),
      fc.tuple(fc.constantFrom('!', 'zzzz', 'alice:0001'), fc.nat(3)).map(([actionID, seq]) => ({ actionID, seq })),
    ),
  }
}

const mutationArb = (ctx: GenContext): fc.Arbitrary<Mutation> => {
  const values = valuesFor(ctx)
  const plausible = plausibleFor(ctx)
  const keyArb = fc.constantFrom(...envelopeKeys)
  const set = keyArb.chain((key) => values[key].map((value): Mutation => (entries) => entries.map(([k, v]) => [k, k === key ? value : v] as const)))
  const setPlausible = keyArb.chain((key) =>
    plausible[key].map((value): Mutation => (entries) => entries.map(([k, v]) => [k, k === key ? value : v] as const)),
  )
  const setAny = fc.tuple(keyArb, weirdValue).map(
    ([key, value]): Mutation =>
      (entries) =>
        entries.map(([k, v]) => [k, k === key ? value : v] as const),
  )
  const remove = keyArb.map((key): Mutation => (entries) => entries.filter(([k]) => k !== key))
  const duplicate = fc.tuple(keyArb, fc.oneof(weirdValue, keyArb.chain((key) => values[key]))).map(([key, value]): Mutation => (entries) => [...entries, [key, value]])
  const extra = fc.tuple(fc.constantFrom(...extraKeys), fc.oneof(weirdValue, fc.constantFrom(...protoValues))).map(
    ([key, value]): Mutation =>
      (entries) => [...entries, [key, value]],
  )
  const swap = fc.tuple(keyArb, keyArb).map(([a, b]): Mutation => (entries) => {
    const va = entries.find(([k]) => k === a)?.[1]
    const vb = entries.find(([k]) => k === b)?.[1]
    return entries.map(([k, v]) => [k, k === a ? vb : k === b ? va : v] as const)
  })
  const retype = keyArb.map((key): Mutation => (entries) =>
    entries.map(([k, v]) => {
      if (k !== key) return [k, v] as const
      if (typeof v === 'number') return [k, String(v)] as const
      if (typeof v === 'string') return [k, Number.isNaN(Number(v)) ? [v] : Number(v)] as const
      if (Array.isArray(v)) return [k, v[0] ?? null] as const
      return [k, JSON.stringify(v) ?? null] as const
    }),
  )
  const rename = fc.tuple(keyArb, fc.oneof(fc.constantFrom(...extraKeys), keyArb)).map(([from, to]): Mutation => (entries) => entries.map(([k, v]) => [k === from ? to : k, v] as const))
  const shuffle = fc.nat().map((n): Mutation => (entries) => {
    const copy = [...entries]
    for (let i = copy.length - 1; i > 0; i--) {
      const j = (n + i * 7919) % (i + 1)
      ;[copy[i], copy[j]] = [copy[j]!, copy[i]!]
    }
    return copy
  })
  const boundary = fc.constantFrom<[number, string, number]>(
    [maxEnvelopeBytes, 'a', 1],
    [maxEnvelopeBytes + 1, 'a', 1],
    [maxEnvelopeBytes, '😀', 4],
    [maxEnvelopeBytes + 1, '😀', 4],
    [maxEnvelopeBytes + 2, 'é', 2],
  ).map(([bytes, unit, unitBytes]): Mutation => (entries) => padTo(entries, bytes, unit, unitBytes))
  return fc.oneof(
    { weight: 10, arbitrary: setPlausible },
    { weight: 6, arbitrary: set },
    { weight: 2, arbitrary: setAny },
    { weight: 2, arbitrary: remove },
    { weight: 1, arbitrary: duplicate },
    { weight: 1, arbitrary: extra },
    { weight: 1, arbitrary: swap },
    { weight: 2, arbitrary: retype },
    { weight: 1, arbitrary: rename },
    { weight: 1, arbitrary: shuffle },
    { weight: 1, arbitrary: boundary },
  )
}

/** Mutations of the written text: a truncated, spliced, re-encoded or wrapped payload. */
const textMutationArb: fc.Arbitrary<(payload: string) => string> = fc.oneof(
  fc.nat().map((n) => (s: string) => s.slice(0, n % (s.length + 1))),
  fc.tuple(fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 })).map(([n, c]) => (s: string) => {
    const at = n % (s.length + 1)
    return s.slice(0, at) + c + s.slice(at)
  }),
  fc.tuple(fc.nat(), fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 })).map(([n, c]) => (s: string) => {
    const at = n % Math.max(1, s.length)
    return s.slice(0, at) + c + s.slice(at + 1)
  }),
  fc.nat().map((n) => (s: string) => {
    const at = n % Math.max(1, s.length)
    return s.slice(0, at) + s.slice(at + 1)
  }),
  fc.constantFrom(
    (s: string) => `\ufeff${s}`,
    (s: string) => ` \n\t${s}\n`,
    (s: string) => `${s} x`,
    (s: string) => `${s}${s}`,
    (s: string) => `[${s}]`,
    (s: string) => JSON.stringify(s),
    (s: string) => s.replace(/"actionType":\s*\d+/, '"actionType":NaN'),
    (s: string) => s.replace(/"timeout":\s*\d+/, '"timeout":Infinity'),
    (s: string) => s.replace(/}$/, ',"__proto__":{"polluted":"yes","inviteID":"x"}}'),
    (s: string) => s.replace(/^{/, '{"__proto__":{"actionType":1,"polluted":"yes"},'),
    (s: string) => s.replace(/^{/, '{"constructor":{"prototype":{"polluted":"yes"}},'),
    (s: string) => s.replace(/"inviteeList":\[/, '"inviteeList":["__proto__",'),
  ),
)

// -------------------------------------------------------------------------------------------------
// Categories
// -------------------------------------------------------------------------------------------------

const trickyStrings = [
  '',
  ' ',
  'null',
  'true',
  '0',
  '""',
  '[]',
  '{}',
  '[{}]',
  '{"actionType":',
  '{"inviteID":"x"}',
  '{"actionType":3}',
  '\ufeff{}',
  '\u0000',
  '\ud800',
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"businessID":1}',
  '[1,2,3]',
  '"{\\"businessID\\":1}"',
  '1e999',
  long(maxEnvelopeBytes + 1, '{'),
  long(maxEnvelopeBytes / 2, '😀'),
  `{"data":"${long(maxEnvelopeBytes, 'x')}"}`,
  long(100_000, '['),
  `${long(3000, '[')}${long(3000, ']')}`,
  `${long(maxEnvelopeBytes / 2, '[')}${long(maxEnvelopeBytes / 2, ']')}`,
  `${long(2000, '{"a":')}1${long(2000, '}')}`,
  `{"actionType":1,"inviteID":${long(5000, '[')}${long(5000, ']')}}`,
  `{"businessID":1,"inviteID":"x","inviter":"alice","inviteeList":["bob"],"actionType":2,"data":${long(4000, '[')}${long(4000, ']')}}`,
]

const randomStringArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom(...trickyStrings),
  fc.json({ maxDepth: 3 }).map((json) => json.slice(0, Math.max(0, json.length - 1))),
)

const signalingKeyArb = fc.oneof(fc.constantFrom<string>(...envelopeKeys, ...extraKeys), fc.string({ maxLength: 8 }))
const randomJsonArb = (ctx: GenContext): fc.Arbitrary<string> => {
  const values = valuesFor(ctx)
  const keyed = fc
    .array(
      signalingKeyArb.chain((key) => (Object.hasOwn(values, key) ? values[key as EnvelopeKey] : weirdValue).map((value) => [key, value] as const)),
      { maxLength: 12 },
    )
    .map(objectText)
  return fc.oneof(
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)) },
    { weight: 3, arbitrary: keyed },
    { weight: 1, arbitrary: fc.array(fc.tuple(fc.string({ maxLength: 6 }), weirdValue), { maxLength: 8 }).map(objectText) },
  )
}

const conversationFor = (groupID: string, sender: string): Conversation => (groupID === '' ? { kind: 'user', userID: sender } : { kind: 'group', groupID })

const groupOf = (entries: Entries): string => {
  const value = entries.find(([k]) => k === 'groupID')?.[1]
  return typeof value === 'string' ? value : ''
}

/** A watched device and a sender for it: a carbon (`fromMyOtherDevice`) when the sender is the device's own user. */
const inject = (
  ctx: GenContext,
  category: Category,
  target: number,
  sender: string,
  conversation: Conversation,
  payload: string,
  modified = false,
): InjectInput => {
  const device = ctx.devices[target]!
  const fromMe = sender === device.userID
  return {
    via: 'inject',
    category,
    target,
    sender,
    senderDevice: fromMe ? 'web' : 'default',
    conversation: fromMe && conversation.kind === 'user' && conversation.userID === sender ? { kind: 'user', userID: 'alice' } : conversation,
    payload,
    fromMyOtherDevice: fromMe,
    modified,
  }
}

const targetArb = (ctx: GenContext): fc.Arbitrary<number> => fc.integer({ min: 0, max: ctx.devices.length - 1 })

const mutatedArb = (ctx: GenContext, category: Category, extra: fc.Arbitrary<Mutation>[] = []): fc.Arbitrary<InjectInput> =>
  fc
    .record({
      base: baseArb(ctx),
      mutations: extra.length > 0 ? fc.tuple(...extra) : fc.array(mutationArb(ctx), { minLength: 1, maxLength: 3 }),
      text: fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: textMutationArb }),
      target: targetArb(ctx),
      naturalSender: fc.boolean(),
      sender: userArb,
      naturalConversation: fc.nat(9),
      otherConversation: fc.constantFrom<Conversation>({ kind: 'group', groupID: 'g1' }, { kind: 'group', groupID: 'g2' }, { kind: 'user', userID: 'alice' }),
      modified: fc.nat(19),
    })
    .map(({ base, mutations, text: textMutation, target, naturalSender, sender, naturalConversation, otherConversation, modified }) => {
      const entries = mutations.reduce((acc: Entries, mutate) => mutate(acc), base.entries)
      const payload = textMutation === null ? objectText(entries) : textMutation(objectText(entries))
      const from = naturalSender ? base.sender : sender
      const conversation = naturalConversation > 1 ? conversationFor(groupOf(entries), from) : otherConversation
      return inject(ctx, category, target, from, conversation, payload, modified === 0)
    })

const unknownActionArb = (ctx: GenContext): fc.Arbitrary<InjectInput> =>
  mutatedArb(ctx, 'unknown-action', [
    fc
      .oneof(
        fc.integer({ min: -1000, max: 1000 }).filter((n) => n < 1 || n > 5),
        fc.double().filter((n) => !Number.isInteger(n) || n < 1 || n > 5),
        fc.constantFrom<Value>('1', '2', '3', '4', '5', 'invite', 'accept', null, true, [1], {}, { raw: 'NaN' }),
      )
      .map((actionType): Mutation => (entries) => entries.map(([k, v]) => [k, k === 'actionType' ? actionType : v] as const)),
  ])

/** Structurally valid envelopes whose claimed role is not their sender's (SPEC §3 "Delivery faults"). */
const forgedArb = (ctx: GenContext): fc.Arbitrary<InjectInput> =>
  fc
    .record({
      invitation: fc.constantFrom(...ctx.invitations),
      kind: fc.constantFrom('answer-for-other', 'cancel-by-non-inviter', 'invite-not-sender', 'timeout-listing-others', 'wrong-inviter-field', 'modify-by-non-inviter'),
      pick: fc.nat(),
      sender: userArb,
      action: fc.constantFrom(3, 4),
      actionID: fc.string({ minLength: 1, maxLength: 8 }),
      target: targetArb(ctx),
      freshID: fc.boolean(),
    })
    .map(({ invitation, kind, pick, sender, action, actionID, target, freshID }) => {
      const { invitees, inviter, groupID, inviteID } = invitation
      const invitee = invitees[pick % invitees.length]!
      const other = invitees.find((id) => id !== invitee) ?? 'mallory'
      const base = { businessID: 1, inviteID, groupID, inviter, inviteeList: [invitee], data: 'forged', timeout: invitation.timeout, actionType: 3, onlineUserOnly: false, beckon: { actionID } }
      let from = sender
      let fields: Record<EnvelopeKey, Value> = base
      let modified = false
      switch (kind) {
        case 'answer-for-other': // an accept or reject naming someone else
          from = invitee
          fields = { ...base, actionType: action, inviteeList: [other] }
          break
        case 'cancel-by-non-inviter':
          from = sender === inviter ? invitee : sender
          fields = { ...base, actionType: 2, inviteeList: [...invitees] }
          break
        case 'invite-not-sender': // an invite whose inviter is not the authenticated sender
          from = sender === inviter ? invitee : sender
          fields = { ...base, actionType: 1, inviteID: freshID ? `forged-${actionID}` : inviteID, inviteeList: [...invitees] }
          break
        case 'timeout-listing-others': // an invitee's timeout listing every invitee
          from = invitee
          fields = { ...base, actionType: 5, inviteeList: invitees.length > 1 ? [...invitees] : [invitee, 'mallory'] }
          break
        case 'wrong-inviter-field': // a real invitee's answer naming another inviter
          from = invitee
          fields = { ...base, actionType: action, inviter: sender === inviter ? 'mallory' : sender }
          break
        case 'modify-by-non-inviter':
          from = sender === inviter ? invitee : sender
          fields = { ...base, actionType: 1, inviteeList: [...invitees] }
          modified = true
          break
      }
      return inject(ctx, 'forged', target, from, conversationFor(groupID, from), objectText(entriesOf(fields)), modified)
    })

/** Group messages from users who are not in the group. */
const foreignGroupArb = (ctx: GenContext): fc.Arbitrary<InjectInput> =>
  fc
    .record({
      invitation: fc.constantFrom(...ctx.invitations.filter((i) => i.groupID !== '')),
      sender: fc.constantFrom('mallory', 'eve', '__proto__', 'constructor'),
      groupID: fc.constantFrom(...ctx.groupIDs, 'g3'),
      actionType: fc.integer({ min: 1, max: 5 }),
      asInviter: fc.boolean(),
      listSelf: fc.boolean(),
      fresh: fc.boolean(),
      actionID: fc.string({ minLength: 1, maxLength: 8 }),
      target: targetArb(ctx),
    })
    .map(({ invitation, sender, groupID, actionType, asInviter, listSelf, fresh, actionID, target }) => {
      const fields = {
        businessID: 1,
        inviteID: fresh ? `foreign-${actionID}` : invitation.inviteID,
        groupID,
        inviter: asInviter ? sender : invitation.inviter,
        inviteeList: listSelf ? [sender] : [...invitation.invitees],
        data: 'foreign',
        timeout: 0,
        actionType,
        onlineUserOnly: false,
        beckon: { actionID },
      }
      return inject(ctx, 'foreign-group', target, sender, { kind: 'group', groupID }, objectText(entriesOf(fields)))
    })

/** Messages whose groupID is not their conversation's. */
const mismatchedGroupArb = (ctx: GenContext): fc.Arbitrary<InjectInput> =>
  fc
    .record({
      base: templateArb(ctx),
      conversation: fc.constantFrom<Conversation>(
        { kind: 'group', groupID: 'g1' },
        { kind: 'group', groupID: 'g2' },
        { kind: 'group', groupID: 'g3' },
        { kind: 'user', userID: 'alice' },
        { kind: 'user', userID: 'bob' },
      ),
      groupID: fc.constantFrom('', 'g1', 'g2', 'g3', 'G1'),
      target: targetArb(ctx),
    })
    .filter(({ conversation, groupID }) => groupID !== (conversation.kind === 'group' ? conversation.groupID : ''))
    .map(({ base, conversation, groupID, target }) => {
      const entries = base.entries.map(([k, v]) => [k, k === 'groupID' ? groupID : v] as const)
      return inject(ctx, 'mismatched-group', target, base.sender, conversation, objectText(entries))
    })

/** A message a device already received, delivered to it again (exactly, or re-sent by its sender). */
export const replayArb = (ctx: GenContext, category: Category): fc.Arbitrary<InjectInput> => {
  const pool = ctx.devices.flatMap((device, target) => device.received.map((message) => ({ target, message })))
  return fc.record({ pick: fc.constantFrom(...pool), exact: fc.nat(3) }).map(({ pick: { target, message }, exact }) => ({
    via: 'inject',
    category,
    target,
    sender: message.sender,
    senderDevice: message.senderDevice,
    conversation: message.conversation,
    payload: message.payload,
    fromMyOtherDevice: message.fromMyOtherDevice,
    modified: message.modified,
    ...(exact > 0 ? { replayOf: message } : {}),
  }))
}

/** Hostile payloads sent through the IM by an authenticated non-member (mallory) or a member (carol). */
const realSendArb = (ctx: GenContext): fc.Arbitrary<SendInput> =>
  fc
    .record({
      from: fc.constantFrom('mallory' as const, 'carolEvil' as const),
      to: fc.constantFrom<Conversation>(
        { kind: 'user', userID: 'alice' },
        { kind: 'user', userID: 'bob' },
        { kind: 'user', userID: 'carol' },
        { kind: 'user', userID: 'dave' },
        { kind: 'group', groupID: 'g1' },
        { kind: 'group', groupID: 'g2' },
      ),
      payload: fc.oneof(forgedArb(ctx), mutatedArb(ctx, 'real-send'), foreignGroupArb(ctx)).map((input) => input.payload),
    })
    .map(({ from, to, payload }) => ({ via: 'send', category: 'real-send', from, to, payload }))

/** Every category, weighted; `after-retention` swaps ordinary replays for late ones. */
export const inputArb = (ctx: GenContext, phase: 'main' | 'after-retention'): fc.Arbitrary<FuzzInput> => {
  const inject = (category: Category, arbitrary: fc.Arbitrary<string>) =>
    fc.record({ payload: arbitrary, target: targetArb(ctx), sender: userArb }).map(({ payload, target, sender }) => {
      const device = ctx.devices[target]!
      return {
        via: 'inject' as const,
        category,
        target,
        sender,
        senderDevice: sender === device.userID ? 'web' : 'default',
        conversation: { kind: 'user' as const, userID: sender === device.userID ? 'alice' : sender },
        payload,
        fromMyOtherDevice: sender === device.userID,
        modified: false,
      }
    })
  return fc.oneof(
    { weight: 8, arbitrary: inject('random-string', randomStringArb) },
    { weight: 8, arbitrary: inject('random-json', randomJsonArb(ctx)) },
    { weight: 40, arbitrary: mutatedArb(ctx, 'mutated') },
    { weight: 5, arbitrary: unknownActionArb(ctx) },
    { weight: 12, arbitrary: forgedArb(ctx) },
    { weight: 6, arbitrary: foreignGroupArb(ctx) },
    { weight: 5, arbitrary: mismatchedGroupArb(ctx) },
    { weight: 10, arbitrary: replayArb(ctx, phase === 'main' ? 'replay' : 'replay-after-retention') },
    { weight: 4, arbitrary: realSendArb(ctx) },
  )
}
