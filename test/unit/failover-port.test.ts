/**
 * The failover rules of FailoverPort (src/main/issuer/failover.ts) over two scripted ports: which
 * endpoint a command may go to, for every outcome of the other. The same rules on real parts
 * (HTTP, proxies, one ledger): test/integration/issuer-failover.test.ts.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { FailoverPort } from '../../src/main/issuer/failover';
import type {
  EchoCommand,
  EndpointRole,
  ExchangeOutcome,
  IssuerCommand,
  IssuerPort,
  SignOnRequest,
  SignOnResult,
} from '../../src/main/issuer/port';
import { TillError } from '../../src/shared/errors';
import { ScriptedPort } from '../helpers/scripted-port';
import { TerminalConfig, issuerEntries } from '../../src/main/config/config';

const ANSWER: ExchangeOutcome = { kind: 'answer', answer: { result: 'approved', extra: {} } };
const NOT_SENT: ExchangeOutcome = { kind: 'not-sent', detail: 'ECONNREFUSED' };
const UNKNOWN: ExchangeOutcome = { kind: 'unknown', failure: 'no-answer', detail: 'answer broke off' };

let stan = 100;
const head = () => ({ stan: stan++, time: '2026-12-01T00:00:00.000Z', id: 'ab'.repeat(16) });
const sale = (): IssuerCommand => ({
  ...head(),
  kind: 'authorize',
  card: { pan: '8888010000000017', entryMode: 'wedge' },
  amountFen: 100,
  otherTenderFen: 0,
});
const echo = (): EchoCommand => ({ ...head(), kind: 'echo' });

/** A scripted port (test/helpers/scripted-port.ts) with a cut switch and a scripted sign-on. */
class CutPort implements IssuerPort {
  readonly protocol = 'scripted';
  private readonly inner: ScriptedPort;
  cut = false;
  /** Times the wrapper said its session may be gone (renewSession). */
  renewed = 0;
  renewSession(): void {
    this.renewed++;
  }
  signOn: (req: SignOnRequest) => Promise<SignOnResult> = () => Promise.reject(new Error('not used'));
  constructor(next: (cmd: IssuerCommand) => ExchangeOutcome) {
    this.inner = new ScriptedPort(next);
  }
  get sent() {
    return this.inner.sent;
  }
  set next(f: (cmd: IssuerCommand) => ExchangeOutcome) {
    this.inner.next = f;
  }
  exchange(cmd: IssuerCommand, attempts: number): Promise<ExchangeOutcome> {
    return this.inner.exchange(cmd, attempts);
  }
  setCut(c: boolean): void {
    this.cut = c;
  }
  isCut(): boolean {
    return this.cut;
  }
}

let ports: FailoverPort[] = [];
afterEach(() => {
  ports.forEach((p) => p.close());
  ports = [];
});

function rig(primary: (c: IssuerCommand) => ExchangeOutcome, backup?: (c: IssuerCommand) => ExchangeOutcome) {
  const p = new CutPort(primary);
  const b = backup ? new CutPort(backup) : undefined;
  const lines: string[] = [];
  const switches: EndpointRole[] = [];
  const port = new FailoverPort({
    issuerId: 'bank',
    primary: { port: p, address: 'http://primary' },
    ...(b ? { backup: { port: b, address: 'http://backup' } } : {}),
    makeEcho: echo,
    clock: () => new Date('2026-12-01T00:00:00Z'),
    log: (l) => lines.push(l),
    onSwitch: (to) => switches.push(to),
    probe: { baseMs: 5, maxMs: 20 },
    random: () => 0.5,
  });
  ports.push(port);
  return { p, b: b!, port, lines, switches };
}

describe('FailoverPort', () => {
  it('not-sent on the primary: the same command to the backup, which is then in use', async () => {
    const r = rig(
      () => NOT_SENT,
      () => ANSWER,
    );
    const told: EndpointRole[] = [];
    const cmd = sale();
    expect(await r.port.exchange(cmd, 2, { onEndpoint: (e) => told.push(e) })).toEqual(ANSWER);
    expect(told).toEqual(['primary', 'backup']);
    expect(r.p.sent.map((s) => s.cmd)).toEqual([cmd]);
    expect(r.b.sent).toEqual([{ cmd, attempts: 2 }]);
    expect(r.port.endpoints()).toMatchObject([
      { role: 'primary', inUse: false, up: false },
      { role: 'backup', inUse: true, up: true, inUseSince: '2026-12-01T00:00:00.000Z' },
    ]);
    expect(r.switches).toEqual(['backup']);
    expect(r.lines.join('\n')).toContain('new requests go to the backup http://backup');
  });

  it('an unknown outcome on the primary is returned as is: never tried on the backup, no switch', async () => {
    const r = rig(
      () => UNKNOWN,
      () => ANSWER,
    );
    expect(await r.port.exchange(sale(), 2)).toEqual(UNKNOWN);
    expect(r.b.sent).toEqual([]);
    expect(r.port.endpointInUse()).toBe('primary');
  });

  it('a pinned command (a reversal) goes to its endpoint only, even when it is down', async () => {
    const r = rig(
      () => NOT_SENT,
      () => ANSWER,
    );
    const rev: IssuerCommand = { ...head(), kind: 'reverse', origStan: 1 };
    expect(await r.port.exchange(rev, 1, { endpoint: 'primary' })).toEqual(NOT_SENT);
    expect(r.b.sent).toEqual([]);
    expect(r.port.endpointInUse()).toBe('primary');
    // And the one pinned to the backup while the primary is in use goes to the backup.
    expect(await r.port.exchange(rev, 1, { endpoint: 'backup' })).toEqual(ANSWER);
    expect(r.p.sent).toHaveLength(1);
  });

  it('both not-sent: not-sent with both reasons (the caller’s offline policy decides)', async () => {
    const r = rig(
      () => NOT_SENT,
      () => ({ kind: 'not-sent', detail: 'connect timeout' }),
    );
    const out = await r.port.exchange(sale(), 2);
    expect(out).toEqual({ kind: 'not-sent', detail: 'primary: ECONNREFUSED; backup: connect timeout' });
    expect(r.port.endpointInUse()).toBe('primary');
  });

  it('on the backup and the backup unreachable: the primary is tried, and answering switches back', async () => {
    let primaryUp = false;
    let backupUp = true;
    const r = rig(
      () => (primaryUp ? ANSWER : NOT_SENT),
      () => (backupUp ? ANSWER : NOT_SENT),
    );
    await r.port.exchange(sale(), 1);
    expect(r.port.endpointInUse()).toBe('backup');
    [primaryUp, backupUp] = [true, false];
    expect(await r.port.exchange(sale(), 1)).toEqual(ANSWER);
    expect(r.port.endpointInUse()).toBe('primary');
  });

  it('while on the backup, the primary is probed with echoes (backoff) until it answers', async () => {
    let primaryUp = false;
    const r = rig(
      () => (primaryUp ? ANSWER : NOT_SENT),
      () => ANSWER,
    );
    await r.port.exchange(sale(), 1);
    // The probes that go unanswered: each one an echo to the primary.
    await new Promise<void>((resolve) => {
      const n = r.p.sent.length;
      r.p.next = () => {
        if (r.p.sent.length >= n + 2) {
          primaryUp = true;
          resolve();
        }
        return primaryUp ? ANSWER : NOT_SENT;
      };
    });
    await r.port.whenInUse('primary');
    expect(r.p.sent.slice(1).every((s) => s.cmd.kind === 'echo')).toBe(true);
    expect(r.port.endpoints()[0]!.lastEchoRttMs).toBeTypeOf('number');
    expect(r.switches).toEqual(['backup', 'primary']);
  });

  it('the demo cut: not-sent, neither host tried', async () => {
    const r = rig(
      () => ANSWER,
      () => ANSWER,
    );
    r.port.setCut(true);
    expect(r.p.cut && r.b.cut).toBe(true);
    expect(await r.port.exchange(sale(), 1)).toMatchObject({ kind: 'not-sent' });
    expect(r.p.sent.length + r.b.sent.length).toBe(0);
  });

  it('sign-on: an unreachable primary → the backup (it moves no money); any other refusal stands', async () => {
    const r = rig(
      () => ANSWER,
      () => ANSWER,
    );
    r.p.signOn = () => Promise.reject(new TillError('ISSUER_UNREACHABLE', 'ECONNREFUSED'));
    r.b.signOn = () => Promise.resolve({ receiptKey: 'k' });
    expect(await r.port.signOn({} as never)).toEqual({ receiptKey: 'k' });
    expect(r.port.endpointInUse()).toBe('backup');
    r.b.signOn = () => Promise.reject(new TillError('ISSUER_BAD_SIGNATURE'));
    await expect(r.port.signOn({} as never)).rejects.toMatchObject({ code: 'ISSUER_BAD_SIGNATURE' });
  });

  it('the technician’s echo reaches both hosts, in use or not, each with its own outcome; it moves nothing to the backup', async () => {
    let primaryUp = true;
    const r = rig(
      () => (primaryUp ? ANSWER : NOT_SENT),
      () => NOT_SENT,
    );
    const each = await r.port.echoEach(echo);
    expect(each.map((e) => [e.role, e.address, e.inUse, e.outcome.kind, typeof e.rttMs])).toEqual([
      ['primary', 'http://primary', true, 'answer', 'number'],
      ['backup', 'http://backup', false, 'not-sent', 'number'],
    ]);
    expect(r.p.sent.map((s) => s.cmd.kind)).toEqual(['echo']);
    expect(r.b.sent.map((s) => s.cmd.kind)).toEqual(['echo']);
    expect(r.p.sent[0]!.cmd.stan).not.toBe(r.b.sent[0]!.cmd.stan); // each its own STAN
    expect(r.port.endpoints()[1]).toMatchObject({ up: false, lastError: 'ECONNREFUSED' });
    // A primary that does not answer the echo is not left for the backup: only commands fail over.
    primaryUp = false;
    await r.port.echoEach(echo);
    expect(r.port.endpointInUse()).toBe('primary');
    // Cut: nothing is sent, each endpoint says so.
    r.port.setCut(true);
    const cut = await r.port.echoEach(echo);
    expect(cut.map((e) => e.outcome)).toEqual([
      { kind: 'not-sent', detail: 'issuer link is cut' },
      { kind: 'not-sent', detail: 'issuer link is cut' },
    ]);
    expect(r.p.sent.length + r.b.sent.length).toBe(4);
  });

  it('the echo answered by the primary while on the backup switches back', async () => {
    let primaryUp = false;
    const r = rig(
      () => (primaryUp ? ANSWER : NOT_SENT),
      () => ANSWER,
    );
    await r.port.exchange(sale(), 1);
    expect(r.port.endpointInUse()).toBe('backup');
    primaryUp = true;
    const each = await r.port.echoEach(echo);
    expect(each.map((e) => [e.role, e.inUse])).toEqual([
      ['primary', true],
      ['backup', false],
    ]);
    expect(r.port.endpointInUse()).toBe('primary');
  });

  it('a host taking requests again renews its session first, unless an answer just proved it', async () => {
    let primaryUp = false;
    const r = rig(
      () => (primaryUp ? ANSWER : NOT_SENT),
      () => ANSWER,
    );
    await r.port.exchange(sale(), 1);
    expect([r.p.renewed, r.b.renewed]).toEqual([0, 1]); // the backup, before the sale went to it
    primaryUp = true;
    await r.port.whenInUse('primary'); // switched back on its probe echo (no MAC over ISO)
    expect([r.p.renewed, r.b.renewed]).toEqual([1, 1]);
    await r.port.exchange(sale(), 1);
    expect([r.p.renewed, r.b.renewed]).toEqual([1, 1]); // nothing new: the primary in use answered
  });

  it('without a backup: the primary passed through', async () => {
    const r = rig(() => NOT_SENT);
    expect(await r.port.exchange(sale(), 1)).toEqual(NOT_SENT);
    expect(r.port.endpoints()).toEqual([
      { role: 'primary', address: 'http://primary', inUse: true, up: false, lastError: 'ECONNREFUSED' },
    ]);
  });
});

describe('config', () => {
  it('the single issuer block’s backupUrl reaches its entry', () => {
    const config = TerminalConfig.parse({
      issuer: { url: 'http://a:1', backupUrl: 'http://b:2', publicKey: `04${'1'.repeat(128)}` },
    });
    const [e] = issuerEntries(config, { url: 'http://a:1', publicKey: `04${'1'.repeat(128)}` });
    expect(e).toMatchObject({ url: 'http://a:1', backupUrl: 'http://b:2' });
  });
});
