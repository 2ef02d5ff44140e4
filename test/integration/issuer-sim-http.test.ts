/**
 * The issuer-sim's HTTP front door takes any bytes a client sends. In demo mode it runs inside
 * the terminal's own process, so a request target that no URL parser accepts must be refused
 * with 400, never thrown out of the handler (which took the whole app down: `POST //x:y`).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import net from 'node:net';
import { tempDir } from '../helpers/app';
import { startIssuerSim, type IssuerSim } from '../../src/issuer-sim/server';

let sim: IssuerSim;
beforeAll(async () => {
  sim = await startIssuerSim({ dataDir: tempDir('cardtill-sim-http-'), enrolToken: 't' });
});
afterAll(async () => {
  await sim.close();
});

/** One raw HTTP/1.1 exchange; resolves with the status line ('' when the socket closed silently). */
function raw(request: string): Promise<string> {
  const { port } = new URL(sim.url);
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(port), '127.0.0.1', () => s.end(request));
    let data = '';
    s.on('data', (d) => (data += d.toString('latin1')));
    s.on('end', () => resolve(data.split('\r\n')[0] ?? ''));
    s.on('error', reject);
  });
}

describe('issuer-sim HTTP front door', () => {
  it.each(['//x:y', '//[::1', 'http://', '//%'])(
    'POST %s is a 400, and the sim keeps serving',
    async (target) => {
      const status = await raw(
        `POST ${target} HTTP/1.1\r\nHost: issuer\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
      );
      expect(status).toMatch(/^HTTP\/1\.1 (400|404) /);
      expect(await raw('GET /v1/issuer-key HTTP/1.1\r\nHost: issuer\r\nConnection: close\r\n\r\n')).toMatch(
        /^HTTP\/1\.1 200 /,
      );
    },
  );
});
