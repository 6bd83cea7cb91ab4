// A loopback TCP proxy in front of a real peer (the Samba DC's LDAPS port), to make it slow for real:
// every chunk the peer sends back is held `delayMs` before it is passed on, in order. TLS goes through
// untouched (the DC's certificate names the loopback addresses), so the client sees a slow DC, not a fake.
import { createServer, connect, type Server, type Socket } from 'node:net';

export class DelayingProxy {
  /** How long each chunk from the peer waits before it reaches the client (0: a plain pipe). */
  delayMs = 0;
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<number> {
    this.server = createServer((client) => {
      const upstream = connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.on('data', (chunk) => upstream.write(chunk));
      // Chunks keep their order: each one is released no earlier than the one before it.
      let releaseAt = 0;
      upstream.on('data', (chunk) => {
        releaseAt = Math.max(Date.now() + this.delayMs, releaseAt);
        const wait = releaseAt - Date.now();
        if (wait <= 0) client.write(chunk);
        else setTimeout(() => client.writable && client.write(chunk), wait);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('the proxy is not listening');
    return address.port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
