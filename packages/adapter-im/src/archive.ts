/**
 * Catching up from the server's message archive (XEP-0313 MAM, paged with XEP-0059 RSM): the
 * user's own archive for 1:1 messages, a room's archive for its group messages. Offline storage
 * only serves a user with no device online, so the archive is what lets *every* device see what
 * it missed.
 *
 * @module
 */
import type { Element } from '@xmpp/client'
import { xml } from '@xmpp/xml'
import { delayOf } from './decode.js'
import { parseAddress } from './jid.js'
import { NS_FORWARD, NS_MAM, NS_RSM } from './namespaces.js'
import { formatStamp, type Stamp } from './serverTime.js'
import { IqError, type XmppSession } from './session.js'
import { submitForm } from './stanzas.js'

/** One archived message: the archive's id for it, when the server archived it, the message. */
export interface ArchivedMessage {
  readonly archiveID: string
  readonly stamp: Stamp | undefined
  readonly message: Element
}

/** Which archive, and from when. */
export interface ArchiveQuery {
  /** The room's bare JID; omitted for the user's own archive. */
  readonly room?: string
  /** Server time (ms) from which on to read. */
  readonly since: number
  /** Page size; the server may cap it. Default 250. */
  readonly pageSize?: number
}

let queries = 0
const EMPTY = new Set(['item-not-found', 'feature-not-implemented', 'service-unavailable'])

/**
 * Read an archive from `since` to now, every page, oldest first. Results arrive as messages
 * before the IQ's answer; only those carrying this query's id *and* coming from the archive
 * owner (my bare JID, or the room) are taken, so nobody else can inject "archived" messages.
 */
export const readArchive = async (session: XmppSession, query: ArchiveQuery): Promise<ArchivedMessage[]> => {
  const owner = query.room ?? session.me.bare
  const results: ArchivedMessage[] = []
  let after: string | undefined
  for (let page = 0; page < 1000; page++) {
    const queryID = `q${++queries}-${Date.now().toString(36)}`
    const collected: ArchivedMessage[] = []
    const unsubscribe = session.onStanza((stanza) => {
      const item = readResult(stanza, queryID, owner)
      if (item !== undefined) collected.push(item)
    })
    let fin: Element | undefined
    try {
      const answer = await session.iq(request(queryID, query, after))
      fin = answer.getChild('fin', NS_MAM)
    } catch (error) {
      // An archive that does not exist yet (a room never written to) is an empty one; a server
      // without MAM has nothing to catch up from (connecting must not fail over and over for it).
      if (error instanceof IqError && EMPTY.has(error.condition)) {
        if (error.condition !== 'item-not-found') session.reportError(error)
        return results
      }
      throw error
    } finally {
      unsubscribe()
    }
    results.push(...collected)
    const last = fin?.getChild('set', NS_RSM)?.getChildText('last') ?? undefined
    if (fin === undefined || fin.attrs['complete'] === 'true' || last === undefined || last === '' || collected.length === 0) return results
    after = last
  }
  return results
}

const request = (queryID: string, query: ArchiveQuery, after: string | undefined): Element =>
  xml(
    'iq',
    { type: 'set', to: query.room },
    xml(
      'query',
      { xmlns: NS_MAM, queryid: queryID },
      submitForm(NS_MAM, { start: formatStamp(Math.max(0, query.since)) }),
      xml('set', { xmlns: NS_RSM }, xml('max', {}, String(query.pageSize ?? 250)), after === undefined ? null : xml('after', {}, after)),
    ),
  )

const readResult = (stanza: Element, queryID: string, owner: string): ArchivedMessage | undefined => {
  if (!stanza.is('message')) return undefined
  const result = stanza.getChild('result', NS_MAM)
  if (result === undefined || result.attrs['queryid'] !== queryID) return undefined
  const from = stanza.attrs['from'] === undefined ? owner : parseAddress(stanza.attrs['from'])?.bare
  if (from !== owner) return undefined
  const forwarded = result.getChild('forwarded', NS_FORWARD)
  const message = forwarded?.getChild('message')
  const archiveID = result.attrs['id']
  if (forwarded === undefined || message === undefined || archiveID === undefined) return undefined
  return { archiveID, stamp: delayOf(forwarded), message }
}

/** Is this message an archive result (which only {@link readArchive} should handle)? */
export const isArchiveResult = (stanza: Element): boolean => stanza.is('message') && stanza.getChild('result', NS_MAM) !== undefined
