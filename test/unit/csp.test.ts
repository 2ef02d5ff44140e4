/**
 * One Content-Security-Policy: index.html's meta tag (the policy under Electron's file://) and the
 * header both hosts send come from src/main/hosts/csp.ts and say the same thing. They used to
 * differ (the meta tag had no font-src, the header another connect-src).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { documentPolicy, contentSecurityPolicy } from '../../src/main/hosts/csp';
import { startTestApp, type TestApp } from '../helpers/app';
import { startWebHost, type WebHost } from '../../src/main/hosts/web-host';

/** Directive name → sorted source list. */
function directives(policy: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of policy
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, ...sources] = part.split(/\s+/);
    expect(m.has(name), `directive ${name} twice`).toBe(false);
    m.set(name, sources.sort().join(' '));
  }
  return m;
}

function metaPolicies(html: string): string[] {
  return [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/gi)].map(
    (m) => m[1],
  );
}

let t: TestApp;
let host: WebHost;
beforeAll(async () => {
  t = await startTestApp();
  host = await startWebHost(t.app, { port: 0, staticDir: path.resolve('src/renderer') });
});
afterAll(async () => {
  await host.close();
  await t.close();
});

describe('one CSP', () => {
  it('index.html carries exactly the shared document policy', () => {
    const metas = metaPolicies(fs.readFileSync('src/renderer/index.html', 'utf8'));
    expect(metas).toHaveLength(1);
    expect(directives(metas[0])).toEqual(directives(documentPolicy()));
  });

  it('the web host header is that policy plus frame-ancestors (a header-only directive)', async () => {
    const r = await fetch(`http://127.0.0.1:${host.port}/`);
    const header = r.headers.get('content-security-policy')!;
    expect(header).toBe(contentSecurityPolicy());
    const want = directives(documentPolicy());
    want.set('frame-ancestors', "'none'");
    expect(directives(header)).toEqual(want);
    // The page it serves carries the same policy in its meta tag.
    expect(metaPolicies(await r.text()).map((p) => directives(p))).toEqual([directives(documentPolicy())]);
  });

  it('stays strict: scripts only from the app, no inline or eval, no plugins', () => {
    const d = directives(contentSecurityPolicy());
    expect(d.get('script-src')).toBe("'self'");
    expect(d.get('object-src')).toBe("'none'");
    expect(contentSecurityPolicy()).not.toMatch(/unsafe-(inline|eval)/);
  });
});
