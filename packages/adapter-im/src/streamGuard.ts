/**
 * A guard on `@xmpp/client`'s socket handling, so that its exceptions stop at the session.
 *
 * @module
 */
import type { Client } from '@xmpp/client'

/** The part of `@xmpp/connection` 0.14 that reads the socket: not in its published surface. */
interface StreamReader {
  parser: unknown
  socket: { destroy?: () => void } | null
  _onData(data: unknown): void
}

/**
 * `@xmpp/connection` 0.14 feeds every chunk the socket reads to the stream's parser, which it
 * drops as soon as the stream has closed — or it gave up waiting for the server's goodbye — while
 * the socket stays open until it closes. What a busy server still sends meanwhile threw a
 * TypeError out of the socket's event handler, uncaught. Such data belongs to a stream that is
 * over: drop it, and the socket with it, which the library reports as a disconnect as usual (so
 * a session that is not stopping reconnects). Installed before the first connection: the library
 * binds its data handler once, on the first socket.
 */
export const dropDataAfterStream = (client: Client): void => {
  const reader = client as unknown as StreamReader
  const read = reader._onData
  reader._onData = function (this: StreamReader, data: unknown): void {
    if (this.parser === null) return void this.socket?.destroy?.()
    read.call(this, data)
  }
}
