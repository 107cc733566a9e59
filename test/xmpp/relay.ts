/**
 * A loopback TCP relay between devices and the real server, standing in for a slow network or a
 * server too busy to write: while held, what the server sends is kept back, then delivered in one
 * go on release — after the device may have given up waiting for it. What either side sends can
 * also be rewritten on the way, to stand in for a server that answers otherwise.
 *
 * @module
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net'

/** What is put in place of what matches, and how many more times. */
interface Rewriting {
  readonly pattern: RegExp
  left: number
  readonly replacement: string
}

export class Relay {
  readonly #server: Server
  readonly #sockets = new Set<Socket>()
  /** Each device's socket, with the connection to the server it is relayed to. */
  readonly #links = new Map<Socket, Socket>()
  /** Per client socket: what the server sent while held, and whether it then closed its side. */
  readonly #held = new Map<Socket, { chunks: Buffer[]; ended: boolean }>()
  #holding = false
  /** What is cut out of the client's data or put in its place, and how many more times (Infinity: until {@link pass}). */
  #dropping: Rewriting | undefined
  /** The same for what the server sends. */
  #fromServer: Rewriting | undefined

  private constructor(server: Server) {
    this.#server = server
  }

  /** A relay to `127.0.0.1:targetPort`, listening on a free loopback port. */
  static async to(targetPort: number): Promise<Relay> {
    const server = createServer({ allowHalfOpen: true })
    const relay = new Relay(server)
    server.on('connection', (client) => relay.#pipe(client, targetPort))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return relay
  }

  get port(): number {
    return (this.#server.address() as { port: number }).port
  }

  /** Keep back what the server sends from now on. */
  hold(): void {
    this.#holding = true
  }

  /** Deliver what was kept back, and pass everything on again. */
  release(): void {
    this.#holding = false
    for (const [client, { chunks, ended }] of this.#held) {
      if (client.destroyed) continue
      for (const chunk of chunks) client.write(chunk)
      if (ended) client.end()
    }
    this.#held.clear()
  }

  /**
   * Cut what matches `pattern` (global) out of what clients send, `times` matches in all: as if
   * the server never read it. Matching is per chunk: meant for small stanzas written whole.
   */
  drop(pattern: RegExp, times = Number.POSITIVE_INFINITY): void {
    this.rewrite(pattern, '', times)
  }

  /** Put `replacement` in place of what matches `pattern` in what clients send, as {@link drop} does. */
  rewrite(pattern: RegExp, replacement: string, times = Number.POSITIVE_INFINITY): void {
    this.#dropping = { pattern, left: times, replacement }
  }

  /**
   * Put `replacement` in place of what matches `pattern` (global; `$&` is the match) in what the
   * server sends, `times` matches in all. Per chunk, as {@link drop}: a chunk of the server's holds
   * whole elements when it writes a few small ones at once.
   */
  rewriteFromServer(pattern: RegExp, replacement: string, times = Number.POSITIVE_INFINITY): void {
    this.#fromServer = { pattern, left: times, replacement }
  }

  /** Stop cutting and rewriting. */
  pass(): void {
    this.#dropping = undefined
    this.#fromServer = undefined
  }

  /**
   * Reset every device's connection (a TCP RST, as a server that drops a client does) and close
   * the relayed one to the server, which sees its client gone. The device's next write on that
   * socket fails (EPIPE or ECONNRESET) until its event loop reads the reset.
   */
  reset(): void {
    for (const [client, upstream] of this.#links) {
      client.resetAndDestroy()
      upstream.destroy()
    }
  }

  #filter(chunk: Buffer, rewriting: Rewriting | undefined): Buffer | string {
    if (rewriting === undefined || rewriting.left <= 0) return chunk
    return chunk.toString('utf8').replace(rewriting.pattern, (match) => (rewriting.left > 0 ? (rewriting.left--, rewriting.replacement.replaceAll('$&', match)) : match))
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  #pipe(client: Socket, targetPort: number): void {
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort, allowHalfOpen: true })
    this.#sockets.add(client).add(upstream)
    this.#links.set(client, upstream)
    client.on('data', (chunk: Buffer) => upstream.write(this.#filter(chunk, this.#dropping)))
    const held = (): { chunks: Buffer[]; ended: boolean } => {
      const entry = this.#held.get(client) ?? { chunks: [], ended: false }
      this.#held.set(client, entry)
      return entry
    }
    upstream.on('data', (data: Buffer) => {
      const chunk = this.#filter(data, this.#fromServer)
      if (this.#holding) held().chunks.push(Buffer.from(chunk))
      else client.write(chunk)
    })
    // A half-close passes on only once nothing is held back: the server's goodbye comes last.
    client.on('end', () => upstream.end())
    upstream.on('end', () => (this.#holding ? (held().ended = true) : client.end()))
    const closeBoth = (): void => {
      this.#sockets.delete(client)
      this.#sockets.delete(upstream)
      this.#links.delete(client)
      client.destroy()
      upstream.destroy()
    }
    client.on('error', closeBoth).on('close', () => {
      this.#links.delete(client)
      upstream.end()
    })
    upstream.on('error', closeBoth)
  }
}
