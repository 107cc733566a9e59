/**
 * XMPP at load, bounded for `npm test`: 2,000 concurrent 1:1 invitations among 100 users on the
 * test Prosody, half accepted on ring and half left to time out. Nothing may be lost, inviter and
 * invitee must end with the same outcome for every invitation, no call may fail with 6014 while
 * its device is connected, and nothing may be thrown unhandled. `npm run load:xmpp` runs the same
 * at 10,000 on a Prosody of its own (bench/xmpp/load.ts).
 *
 * `BECKON_LOAD_INVITATIONS` changes the size.
 *
 * @module
 */
import { afterAll, beforeAll, describe, it } from 'vitest'
import { concurrentInvitations } from '../../bench/xmpp/concurrent.js'
import { registerAccounts } from './stage.js'
import { device, uniqueName, xmppEnabled } from './support.js'

const INVITATIONS = Number(process.env['BECKON_LOAD_INVITATIONS'] ?? 2_000)
const USERS = 100

describe.skipIf(!xmppEnabled)('XMPP at load', () => {
  const unhandled: unknown[] = []
  const record = (reason: unknown): void => void unhandled.push(reason)
  const prefix = uniqueName('load')
  const account = (i: number): string => `${prefix}-${i}`

  beforeAll(async () => {
    process.on('unhandledRejection', record)
    for (let i = 0; i < USERS; i += 20) await registerAccounts(Array.from({ length: Math.min(20, USERS - i) }, (_, k) => account(i + k)))
  }, 120_000)

  afterAll(() => {
    process.off('unhandledRejection', record)
  })

  it(`${INVITATIONS} concurrent invitations among ${USERS} users: none lost, no disagreement, no 6014 while connected`, async ({ expect }) => {
    const result = await concurrentInvitations(
      { device: (userID, deviceID, options) => device(userID, deviceID, options) },
      { users: USERS, invitations: INVITATIONS, timeoutSeconds: 45, seed: 11, account },
    )
    console.log(
      `[load] ${INVITATIONS} invitations among ${USERS} users: ${result.lost} lost, ${result.disagree} disagreements, ${result.disconnectedWhileConnected} × 6014 while connected, ` +
        `${unhandled.length} unhandled; all invite() resolved after ${(result.sendAllMs / 1000).toFixed(1)} s, complete after ${(result.totalMs / 1000).toFixed(1)} s`,
    )
    expect({ lost: result.lost, disagree: result.disagree, disconnectedWhileConnected: result.disconnectedWhileConnected, failedInvites: result.failedInvites, failedAccepts: result.failedAccepts }).toEqual({
      lost: 0,
      disagree: 0,
      disconnectedWhileConnected: 0,
      failedInvites: 0,
      failedAccepts: 0,
    })
    expect(result.notAsPlanned).toBe(0)
    expect(unhandled).toEqual([])
  }, 300_000)
})
