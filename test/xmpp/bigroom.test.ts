/**
 * A big room over XMPP, bounded for `npm test`: a group of 1,200 members and its creator created
 * through the XMPP transport on the test server, and one `inviteInGroup` to all 1,200 (an invitee
 * list of ~280 KB: beckon's large-list extension, in a stanza over Prosody's default size limit). A few member devices online
 * ring exactly once with the full list and answer; the inviter hears every answer; members who
 * connect afterwards ring once from the room's archive; nobody disagrees with the inviter.
 * `npm run load:bigroom` runs the same at 10,000 members on a Prosody of its own (bench/xmpp/bigRoomLoad.ts).
 *
 * `BECKON_BIGROOM_MEMBERS` changes the size.
 *
 * @module
 */
import { afterAll, beforeAll, describe, it } from 'vitest'
import { bigRoom, memberName } from '../../bench/xmpp/bigRoom.js'
import { TEST_PASSWORD } from '../../scripts/xmpp/testServer.js'
import { registerAccounts } from './stage.js'
import { device, server, settings, uniqueName, xmppEnabled } from './support.js'

const MEMBERS = Number(process.env['BECKON_BIGROOM_MEMBERS'] ?? 1_200)

// Prosody only: its configuration (scripts/prosody) is the one set for rooms of this size.
describe.skipIf(!xmppEnabled || server.kind !== 'prosody')('a big room over XMPP', () => {
  const unhandled: unknown[] = []
  const record = (reason: unknown): void => void unhandled.push(reason)
  const prefix = uniqueName('big')
  const inviter = `${prefix}-host`
  // Names of ~240 characters (an account's file name on the server must stay under 255 bytes):
  // 1,200 of them make an invitee list over 256 KiB, Prosody's default stanza size limit.
  const naming = { memberPrefix: `${prefix}-`, memberDigits: 225 }

  beforeAll(async () => {
    process.on('unhandledRejection', record)
    await registerAccounts([inviter, ...Array.from({ length: MEMBERS }, (_, i) => memberName(naming, i))])
  }, 60_000)

  afterAll(() => {
    process.off('unhandledRejection', record)
  })

  it(`a group of ${MEMBERS} members is created and invited whole: the online ones ring once with the full list, the inviter hears every answer, the late ones catch up`, async ({ expect }) => {
    const result = await bigRoom(
      { device },
      {
        members: MEMBERS,
        online: 6,
        late: 3,
        timeoutSeconds: 120,
        inviter,
        ...naming,
        groupID: prefix,
        login: { service: `xmpp://127.0.0.1:${settings.port}`, domain: settings.domain, password: TEST_PASSWORD },
        phaseTimeoutMs: 60_000,
      },
    )
    console.log(
      `[bigroom] ${MEMBERS} members: created in ${(result.createMs / 1000).toFixed(1)} s, rang after ${Math.max(...result.ringMs).toFixed(0)} ms at most, ` +
        `${result.neverRang} never rang, ${result.answersUnheard} answers unheard, ${result.disagreements} disagreements`,
    )
    expect(result.failures).toEqual([])
    expect(result.neverCaughtUp).toEqual([])
    expect({ neverRang: result.neverRang, rangTwice: result.rangTwice, wrongList: result.wrongList, answersUnheard: result.answersUnheard, disagreements: result.disagreements }).toEqual({
      neverRang: 0,
      rangTwice: 0,
      wrongList: 0,
      answersUnheard: 0,
      disagreements: 0,
    })
    expect(unhandled).toEqual([])
  }, 240_000)
})
