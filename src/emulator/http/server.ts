/**
 * The emulator over HTTP, speaking Stripe's wire format. Besides delegating to Emulator.handle it acts out
 * transport faults (connection reset, hang, truncated body) and simulated latency.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ApiResponse, Emulator } from '../emulator.js';

const MAX_BODY = 5 * 1024 * 1024;

export interface HttpServerHandle {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export async function listen(
  emulator: Emulator,
  opts: { port?: number; host?: string } = {},
): Promise<HttpServerHandle> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    void serve(emulator, req, res, timers).catch((err: unknown) => {
      process.stderr.write(`emulator: ${String((err as Error)?.stack ?? err)}\n`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":{"type":"api_error","message":"An unknown error occurred"}}');
    });
  });
  server.keepAliveTimeout = 65_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function delay(ms: number, timers: Set<NodeJS.Timeout>): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      timers.delete(t);
      resolve();
    }, ms);
    timers.add(t);
  });
}

async function serve(
  emulator: Emulator,
  req: IncomingMessage,
  res: ServerResponse,
  timers: Set<NodeJS.Timeout>,
): Promise<void> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q + 1);
  const body = req.method === 'POST' || req.method === 'PUT' ? await readBody(req) : '';
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v[0] : v;
  const result: ApiResponse = await emulator.handle({
    method: req.method ?? 'GET',
    path,
    query,
    body,
    headers,
  });

  const fault = result.transportFault;
  if (fault?.action === 'reset') {
    req.socket.resetAndDestroy();
    return;
  }
  if (fault?.action === 'hang') {
    await delay(fault.hangMs, timers);
    req.socket.destroy();
    return;
  }
  if (!path.startsWith('/_emulator')) await delay(emulator.latency.delayMs(result.objects), timers);
  const payload = Buffer.from(result.body, 'utf8');
  res.writeHead(result.status, {
    ...result.headers,
    'content-type': 'application/json',
    'content-length': String(payload.length),
    'access-control-allow-origin': '*',
    // Stripe's `Date` is its own clock; ours is the emulator clock (which tests move forward), so
    // clients that version rows by server time stay consistent with event `created` values.
    date: new Date(emulator.clock.now() * 1000).toUTCString(),
  });
  if (fault?.action === 'truncate') {
    // Promise the whole body, send half, then drop the connection: the client sees a premature close.
    // Destroy only once the half is flushed, or the socket would discard it and the client would see no
    // response at all (a reset, not a truncation).
    await new Promise<void>((resolve) => {
      res.write(payload.subarray(0, Math.floor(payload.length / 2)), () => resolve());
    });
    req.socket.destroy();
    return;
  }
  res.end(payload);
}
