import { describe, expect, it } from 'vitest'
import { roomConfigFields } from '../src/roomConfig.js'

describe('roomConfigFields', () => {
  it('submits each setting under the name the server’s form offers, Prosody’s or ejabberd’s', () => {
    const prosody = new Set(['muc#roomconfig_persistentroom', 'muc#roomconfig_membersonly', 'muc#roomconfig_whois', 'muc#roomconfig_publicroom', 'muc#roomconfig_enablearchiving', 'muc#roomconfig_allowinvites'])
    expect(roomConfigFields(prosody)).toEqual({
      'muc#roomconfig_persistentroom': '1',
      'muc#roomconfig_membersonly': '1',
      'muc#roomconfig_whois': 'anyone',
      'muc#roomconfig_publicroom': '0',
      'muc#roomconfig_enablearchiving': '1',
      'muc#roomconfig_allowinvites': '0',
    })
    const ejabberd = new Set([...prosody].filter((name) => name !== 'muc#roomconfig_enablearchiving').concat(['mam', 'public_list']))
    expect(roomConfigFields(ejabberd)).toMatchObject({ mam: '1' })
    expect(roomConfigFields(ejabberd)).not.toHaveProperty('muc#roomconfig_enablearchiving')
  })

  it('leaves out a setting the form does not offer, which a strict server would refuse', () => {
    expect(roomConfigFields(new Set(['muc#roomconfig_membersonly']))).toEqual({ 'muc#roomconfig_membersonly': '1' })
    expect(roomConfigFields(new Set())).toEqual({})
  })

  it('keeps a room being filled non-persistent, and changes nothing else', () => {
    const offered = new Set(['muc#roomconfig_persistentroom', 'muc#roomconfig_membersonly'])
    expect(roomConfigFields(offered, false)).toEqual({ 'muc#roomconfig_persistentroom': '0', 'muc#roomconfig_membersonly': '1' })
    expect(roomConfigFields(new Set(['muc#roomconfig_membersonly']), false)).toEqual({ 'muc#roomconfig_membersonly': '1' })
  })
})
