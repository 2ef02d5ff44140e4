/**
 * The one Content-Security-Policy of the renderer. Both hosts serve it: Electron loads the page
 * from file://, where no response header exists, so the policy travels in index.html's <meta> tag;
 * the web host sends the same policy as a header. A unit test (test/unit/csp.test.ts) checks that
 * the meta tag says exactly `documentPolicy()`.
 *
 * script-src 'self' only: no inline script, no eval. connect-src names the loopback WebSocket with
 * any port, because the web host's port is chosen at start and the page is built before; the
 * socket itself is guarded by the token, Host and Origin checks (src/main/hosts/web-host.ts).
 */
const DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
];

/** The policy a page can carry itself (index.html's meta tag). */
export function documentPolicy(): string {
  return DIRECTIVES.join('; ');
}

/**
 * The header: the same policy plus frame-ancestors, which browsers ignore in a meta tag (CSP 3,
 * §6.4.2) and which only a header can deliver.
 */
export function contentSecurityPolicy(): string {
  return `${documentPolicy()}; frame-ancestors 'none'`;
}
