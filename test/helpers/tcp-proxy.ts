// A loopback TCP proxy in front of a real peer (the Samba DC's LDAPS port), to make it slow for real:
// every chunk the peer sends back (and, with `delayRequests`, every chunk sent to it) is held `delayMs`
// before it is passed on, in order; a chunk still held when its connection closes is dropped. TLS goes through
// untouched (the DC's certificate names the loopback addresses), so the client sees a slow DC, not a fake.
import { createServer, connect, type Server, type Socket } from 'node:net';

export class DelayingProxy {
  /** How long each chunk from the peer waits before it reaches the client (0: a plain pipe). */
  delayMs = 0;
  /** Hold the client's chunks too: a request is then truly in flight, not yet at the peer. */
  delayRequests = false;
  /**
   * The peer dies after this many more requests (chunks from the client) have reached it: the next one is
   * dropped, every connection is cut and new ones are refused, until revive(). Unset: it never dies.
   */
  dieAfterRequests?: number;
  private dead = false;
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<number> {
    this.server = createServer((client) => {
      if (this.dead) {
        client.destroy();
        return;
      }
      const upstream = connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      const toPeer = this.forward(upstream, () => (this.delayRequests ? this.delayMs : 0));
      client.on('data', (chunk: Buffer) => {
        if (this.dieAfterRequests !== undefined && this.dieAfterRequests-- <= 0) this.die();
        if (!this.dead) toPeer(chunk);
      });
      upstream.on('data', this.forward(client, () => this.delayMs));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('the proxy is not listening');
    return address.port;
  }

  /** The peer is reachable again (new connections go through). */
  revive(): void {
    this.dead = false;
    this.dieAfterRequests = undefined;
  }

  private die(): void {
    this.dead = true;
    for (const s of this.sockets) s.destroy();
  }

  /** Writes each chunk to `to` after the delay; chunks keep their order (none overtakes the one before it). */
  private forward(to: Socket, delay: () => number): (chunk: Buffer) => void {
    let releaseAt = 0;
    return (chunk) => {
      releaseAt = Math.max(Date.now() + delay(), releaseAt);
      const wait = releaseAt - Date.now();
      if (wait <= 0) to.write(chunk);
      else setTimeout(() => to.writable && to.write(chunk), wait);
    };
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
