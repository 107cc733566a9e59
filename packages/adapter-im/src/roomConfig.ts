/**
 * The configuration a new room gets: persistent, members-only, real JIDs visible to members,
 * unlisted, archived, no invitations by members. Servers name some of these fields differently
 * and refuse a form that names a field they do not know (ejabberd answers `bad-request`; Prosody
 * ignores it), so the adapter reads the room's form first and submits, for each setting, the
 * first of its names the server offers. A setting the form does not offer is left to the
 * server's defaults (Prosody with `muc_log_all_rooms` offers no archiving field: it archives
 * every room).
 *
 * @module
 */
import { xml } from '@xmpp/xml'
import type { Element } from '@xmpp/client'
import { NS_DATA, NS_MUC_OWNER } from './namespaces.js'
import type { XmppSession } from './session.js'
import { submitForm } from './stanzas.js'

const ROOM_CONFIG_FORM = 'http://jabber.org/protocol/muc#roomconfig'

/** Each setting: the names servers give its field (first match wins), and the value wanted. */
const SETTINGS: readonly (readonly [names: readonly string[], value: string])[] = [
  [['muc#roomconfig_persistentroom'], '1'],
  [['muc#roomconfig_membersonly'], '1'],
  [['muc#roomconfig_whois'], 'anyone'],
  [['muc#roomconfig_publicroom'], '0'],
  // XEP-0313's field in Prosody's mod_muc_mam; ejabberd's mod_muc names it `mam`.
  [['muc#roomconfig_enablearchiving', 'mam'], '1'],
  [['muc#roomconfig_allowinvites'], '0'],
]

/**
 * The fields to submit, given the names of the fields the server's form offers. `persistent:
 * false` is for a room still being filled: a server saves a persistent room whole on every
 * affiliation change (Prosody writes every member again each time), which made adding N members
 * cost N² — 10,000 members, tens of minutes.
 */
export const roomConfigFields = (offered: ReadonlySet<string>, persistent = true): Record<string, string> => {
  const fields: Record<string, string> = {}
  for (const [names, value] of SETTINGS) {
    const name = names.find((n) => offered.has(n))
    if (name !== undefined) fields[name] = value
  }
  if (!persistent && 'muc#roomconfig_persistentroom' in fields) fields['muc#roomconfig_persistentroom'] = '0'
  return fields
}

/** The field names of the first data form in an owner query's result. */
const fieldNames = (result: Element): Set<string> => {
  const form = result.getChild('query', NS_MUC_OWNER)?.getChild('x', NS_DATA)
  return new Set((form?.getChildren('field') ?? []).map((field) => String(field.attrs['var'] ?? '')))
}

/** Read the room's configuration form, then submit the settings above. */
export const configureRoom = async (session: XmppSession, roomJid: string, persistent = true): Promise<void> => {
  const form = await session.iq(xml('iq', { type: 'get', to: roomJid }, xml('query', { xmlns: NS_MUC_OWNER })))
  const fields = roomConfigFields(fieldNames(form), persistent)
  await session.iq(xml('iq', { type: 'set', to: roomJid }, xml('query', { xmlns: NS_MUC_OWNER }, submitForm(ROOM_CONFIG_FORM, fields))))
}
