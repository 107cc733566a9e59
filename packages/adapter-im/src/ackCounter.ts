/**
 * A guard on `@xmpp/stream-management`'s count of the stanzas the server sent (XEP-0198's `h`).
 *
 * @module
 */
import type { Client, Element } from '@xmpp/client'
import { NS_SM } from './namespaces.js'

/** The count, as `@xmpp/stream-management` 0.14 keeps it on its object: not in its published surface. */
interface Counting {
  inbound: number
}

/**
 * XEP-0198 counts a new session's stanzas from its `<enabled/>` on. `@xmpp/stream-management` 0.14
 * keeps the dropped session's count when a resumption fails, and sets it to zero only once the
 * promise of its `<enable/>` settles, after every element read with `<enabled/>` was handled. A
 * server that asks for an acknowledgement in the same write as `<enabled/>` (ejabberd did after
 * its restart) was answered with the dropped session's count: more than the new session had sent,
 * and the server closed the stream (`undefined-condition`) of a device that had just caught up.
 * Here the count starts over as `<enabled/>` is read, and the library's late reset is skipped: it
 * would forget the stanzas read in between, which a resumption would then get again. Installed
 * before the first connection.
 */
export const countFromEnabled = (client: Client): void => {
  const management = client.streamManagement as unknown as Counting
  let inbound = management.inbound
  let lateReset = false
  Object.defineProperty(management, 'inbound', {
    configurable: true,
    enumerable: true,
    get: () => inbound,
    set: (value: number) => {
      if (value === 0 && lateReset) lateReset = false
      else inbound = value
    },
  })
  client.on('element', (element: Element) => {
    if (!element.is('enabled', NS_SM)) return
    inbound = 0
    lateReset = true
  })
  // Going offline ends the session for good: nothing is resumed, and no late reset is to come.
  client.on('offline', () => {
    inbound = 0
    lateReset = false
  })
}
