/**
 * A guard on `@xmpp/client`'s stream restarts, so that one stream is never opened twice.
 *
 * @module
 */
import type { Client } from '@xmpp/client'

/** The part of `@xmpp/connection` 0.14 that restarts a stream: not in its published surface. */
interface Restarter {
  status: string
  socket: unknown
  restart(): Promise<unknown>
}

/**
 * `@xmpp/sasl` 0.14 waits for the server's `<success/>` with a listener that lives until an
 * answer comes, also when the login attempt it belongs to was given up. The next attempt's
 * `<success/>` then completes both, and each restarts the stream: the second stream header comes
 * after the first on one connection, which the server rejects as not well-formed, closing the
 * stream of a login that had succeeded. While a restart on a connection is waiting for the
 * server's new stream header, another one on that connection shares it instead of writing a
 * header again. Installed before the first connection.
 */
export const oneRestartPerStream = (client: Client): void => {
  const entity = client as unknown as Restarter
  const restart = entity.restart
  let pending: { readonly socket: unknown; readonly opened: Promise<unknown> } | undefined
  entity.restart = function (this: Restarter): Promise<unknown> {
    if (pending !== undefined && pending.socket === this.socket && this.status === 'opening') return pending.opened
    const opened = restart.call(this)
    const current = { socket: this.socket, opened }
    pending = current
    const done = (): void => {
      if (pending === current) pending = undefined
    }
    opened.then(done, done)
    return opened
  }
}
