/**
 * A loopback TCP relay between devices and the real server, standing in for a slow network or a
 * server too busy to write: while held, what the server sends is kept back, then delivered in one
 * go on release — after the device may have given up waiting for it. Client to server passes
 * through untouched.
 *
 * @module
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net'

export class Relay {
  readonly #server: Server
  readonly #sockets = new Set<Socket>()
  /** Each device's socket, with the connection to the server it is relayed to. */
  readonly #links = new Map<Socket, Socket>()
  /** Per client socket: what the server sent while held, and whether it then closed its side. */
  readonly #held = new Map<Socket, { chunks: Buffer[]; ended: boolean }>()
  #holding = false
  /** What is cut out of the client's data or put in its place, and how many more times (Infinity: until {@link pass}). */
  #dropping: { pattern: RegExp; left: number; replacement: string } | undefined

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

  /** Stop cutting. */
  pass(): void {
    this.#dropping = undefined
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

  #filter(chunk: Buffer): Buffer | string {
    const dropping = this.#dropping
    if (dropping === undefined) return chunk
    return chunk.toString('utf8').replace(dropping.pattern, (match) => (dropping.left > 0 ? (dropping.left--, dropping.replacement) : match))
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  #pipe(client: Socket, targetPort: number): void {
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort, allowHalfOpen: true })
    this.#sockets.add(client).add(upstream)
    this.#links.set(client, upstream)
    client.on('data', (chunk: Buffer) => upstream.write(this.#filter(chunk)))
    const held = (): { chunks: Buffer[]; ended: boolean } => {
      const entry = this.#held.get(client) ?? { chunks: [], ended: false }
      this.#held.set(client, entry)
      return entry
    }
    upstream.on('data', (chunk: Buffer) => (this.#holding ? held().chunks.push(chunk) : client.write(chunk)))
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
