/**
 * What Tencent's own Web clients send — the Chat SDK 3.6.6 signaling module, TSignaling 1.0.8 and
 * TUICallEngine 3.3.4 — captured byte for byte in `test/vectors/tencent-web-envelopes.json`. Each
 * vector's meaning is written out here, field for field, so the file only carries what the clients
 * built and this test says what it means. Their behaviour (a hang-up notice that is never
 * cancelled, online-only on the message only, a modification listing a subset) is tested through
 * devices in `test/signaling/tencent-web.test.ts`.
 */
import { readFileSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { decodeEnvelope, type Envelope } from '@beckon/core'

interface Vector {
  readonly name: string
  readonly payload: string
}

const vectors = (JSON.parse(readFileSync(new URL('../../../../test/vectors/tencent-web-envelopes.json', import.meta.url), 'utf8')) as { vectors: Vector[] }).vectors

/** The call kits' `data` for a video call from tx to bx in room 4242, as the Web clients build it. */
const videoCall =
  '{"version":4,"businessID":"av_call","platform":"Web","call_type":2,"room_id":4242,"data":{"cmd":"videoCall","room_id":4242,"inviter":"tx","userIDs":["bx"]}}'

const hangUp =
  '{"businessID":"av_call","call_end":0,"call_type":1,"data":{"cmd":"hangup","inviter":"alice","message":"","room_id":1566411423,"str_room_id":""},"platform":"","room_id":1566411423,"userData":"","version":4}\n'

type Meaning = Omit<Envelope, 'businessID' | 'beckon'>

const c2c = (fields: Pick<Meaning, 'inviteID' | 'inviter' | 'inviteeList' | 'data' | 'timeout' | 'actionType'>): Meaning => ({
  groupID: '',
  onlineUserOnly: false,
  ...fields,
})

/** What every vector must decode to (beckon's extension absent: these clients do not write it). */
const meanings: Record<string, Meaning> = {
  'chat/c2c-invite': c2c({ inviteID: 'ef100127-e415-44c9-b8a1-35f2efb04808', inviter: 'tx', inviteeList: ['bx'], data: videoCall, timeout: 30, actionType: 1 }),
  'chat/c2c-invite-no-data-no-timeout': c2c({ inviteID: '1c3cdb7d-f7ee-482f-a360-4c6bd59c9dac', inviter: 'tx', inviteeList: ['bx'], data: '', timeout: 0, actionType: 1 }),
  'chat/group-invite': {
    inviteID: '3f26b2cc-1302-40f4-b239-151853411f45',
    groupID: 'class-7',
    inviter: 'teacher',
    inviteeList: ['s1', 's2', 'zed'],
    data: 'quiz',
    timeout: 2,
    actionType: 1,
    onlineUserOnly: false,
  },
  'tsignaling/c2c-invite': c2c({ inviteID: '916a90ce-8118-440b-9cbb-3409434c57e7', inviter: 'tx', inviteeList: ['bx'], data: videoCall, timeout: 30, actionType: 1 }),
  // Another invitation than chat/c2c-invite: here bx invited tx, and tx accepts it.
  'chat/c2c-accept': c2c({ inviteID: '3e7757d8-9ff0-498a-b167-27c832b0f073', inviter: 'bx', inviteeList: ['tx'], data: 'accept-data', timeout: 0, actionType: 3 }),
  'chat/c2c-reject': c2c({ inviteID: 'cafd3016-c945-4a45-9403-4ace335ee6a6', inviter: 'bx', inviteeList: ['tx'], data: 'reject-data', timeout: 0, actionType: 4 }),
  // Sent online-only: the flag is on the IM message, not in the envelope, which therefore reads false.
  'chat/c2c-invite-onlineUserOnly': c2c({ inviteID: '0531c987-c3f3-45df-8e11-b509b65ed0de', inviter: 'tx', inviteeList: ['bx'], data: 'x', timeout: 30, actionType: 1 }),
  'chat/c2c-cancel': c2c({ inviteID: 'fd980d4d-6e20-4d8b-8a9f-1a6bb363cd9f', inviter: 'tx', inviteeList: ['bx'], data: 'bye', timeout: 0, actionType: 2 }),
  // A modification is the invite again with new data (it replaces the stored invite message).
  'chat/c2c-modify': c2c({ inviteID: 'd66bd947-d87c-4c29-8460-7593c46dc361', inviter: 'tx', inviteeList: ['bx'], data: 'v2 ✓', timeout: 30, actionType: 1 }),
  'chat/group-accept': {
    inviteID: '3f26b2cc-1302-40f4-b239-151853411f45',
    groupID: 'class-7',
    inviter: 'teacher',
    inviteeList: ['s2'],
    data: 'me!',
    timeout: 0,
    actionType: 3,
    onlineUserOnly: false,
  },
  'tsignaling/c2c-cancel-no-data': c2c({ inviteID: '916a90ce-8118-440b-9cbb-3409434c57e7', inviter: 'tx', inviteeList: ['bx'], data: '', timeout: 0, actionType: 2 }),
  // The modification of an invitation to b1, b2 and b3 after b1 answered: only the still pending.
  'chat/group-modify-after-answer': {
    inviteID: 'a0e3c4ed-36d5-4e10-9fdf-e9bf7f4778b1',
    groupID: 'g2',
    inviter: 'teacher',
    inviteeList: ['b2', 'b3'],
    data: 'v2',
    timeout: 30,
    actionType: 1,
    onlineUserOnly: false,
  },
  'tsignaling/c2c-accept': c2c({ inviteID: '210df786-c636-4881-ac46-ce48d8feb321', inviter: 'bx', inviteeList: ['tx'], data: 'accept!', timeout: 0, actionType: 3 }),
  'chat/group-cancel': {
    inviteID: 'a0e3c4ed-36d5-4e10-9fdf-e9bf7f4778b1',
    groupID: 'g2',
    inviter: 'teacher',
    inviteeList: ['b2'],
    data: 'stop',
    timeout: 0,
    actionType: 2,
    onlineUserOnly: false,
  },
  'tsignaling/c2c-reject': c2c({ inviteID: '886172f2-8216-48b1-9747-3abd7fbdd9c2', inviter: 'bx', inviteeList: ['tx'], data: 'reject!', timeout: 0, actionType: 4 }),
  // The invitee's own timeout: it lists its sender alone and carries the invite's data.
  'chat/c2c-invitee-timeout': c2c({ inviteID: 'ff1ac28d-72d5-4c21-9919-9b88f84f70d8', inviter: 'bx', inviteeList: ['tx'], data: 'ring-data', timeout: 0, actionType: 5 }),
  'tsignaling/c2c-invitee-timeout': c2c({ inviteID: '574b985a-22a6-4a16-9af3-a352d97863f6', inviter: 'bx', inviteeList: ['tx'], data: videoCall, timeout: 0, actionType: 5 }),
  // The inviter's timeout lists the invitees still pending in its record.
  'chat/group-inviter-timeout': {
    inviteID: '3f26b2cc-1302-40f4-b239-151853411f45',
    groupID: 'class-7',
    inviter: 'teacher',
    inviteeList: ['zed'],
    data: 'quiz',
    timeout: 0,
    actionType: 5,
    onlineUserOnly: false,
  },
  // A new invitation that ends a group call; it has no deadline and is never cancelled.
  'callengine/group-hangup-notice': {
    inviteID: 'd1d94225-7be0-43fa-9042-61e316d57a12',
    groupID: 'g',
    inviter: 'alice',
    inviteeList: ['b1'],
    data: hangUp,
    timeout: 0,
    actionType: 1,
    onlineUserOnly: false,
  },
}

describe("decodeEnvelope on what Tencent's Web clients send", () => {
  it('has a meaning written down for every vector, and a vector for every meaning', () => {
    expect(vectors.map((v) => v.name).sort()).toEqual(Object.keys(meanings).sort())
  })

  for (const vector of vectors) {
    it(`${vector.name}: decodes field for field`, () => {
      const meaning = meanings[vector.name]
      expect(meaning).toBeDefined()
      expect(decodeEnvelope(vector.payload)).toEqual(E.right({ businessID: 1, ...meaning }))
    })
  }

  it('reads the hang-up notice’s data as the call kit’s JSON, with cmd "hangup"', () => {
    const vector = vectors.find((v) => v.name === 'callengine/group-hangup-notice')!
    const decoded = decodeEnvelope(vector.payload)
    if (E.isLeft(decoded)) throw new Error(decoded.left.detail)
    expect((JSON.parse(decoded.right.data) as { data: { cmd: string } }).data.cmd).toBe('hangup')
  })
})
