/**
 * Tests that need a system program or service call this. Locally a missing one skips the test with
 * a message naming the Debian package; in CI (CI set) it fails, because .ci/run installs them all.
 */
import fs from 'node:fs';

export function systemHas(paths: string[]): boolean {
  return paths.some((p) => fs.existsSync(p));
}

/** Returns true when present; otherwise throws in CI, or returns false (caller skips) locally. */
export function requireSystem(what: string, paths: string[], debianPackage: string): boolean {
  if (systemHas(paths)) return true;
  const msg = `${what} not found (${paths.join(', ')}): install the Debian package '${debianPackage}'`;
  if (process.env.CI) throw new Error(`${msg} — CI must not skip`);
  console.warn(`SKIP: ${msg}`);
  return false;
}
