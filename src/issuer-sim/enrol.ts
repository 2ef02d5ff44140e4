/**
 * The issuer's side of `enrol` (docs/issuer-protocol.md "Enrolment"): which key a terminal may
 * register, and on what proof.
 *
 * - First key of a terminal: the one-time enrolment token, and the message signed by the key being
 *   enrolled (proof of possession). The token is spent once the terminal has a key: the same token
 *   can never replace or add a key afterwards (before, the ledger's upsert let anyone holding the
 *   token overwrite an enrolled terminal's key).
 * - The same key version with the same public key again (the answer to the first try was lost):
 *   answered again, nothing changes.
 * - A later key version (`cardtill keys rotate`): no token, but an `endorsement` — the message
 *   signed by the terminal's newest enrolled key — next to the proof of possession. Only the holder
 *   of the current key can enrol the next one.
 * - Anything else (another public key under an enrolled version, an older version, a token for an
 *   enrolled terminal, an endorsement by a key that is not the newest) is refused with 403/409.
 */
import { canonicalBytes } from '../shared/canonical-json';
import type { EnrolRequest, SignedEnvelope } from '../shared/issuer-protocol';
import { verifyEnvelope } from '../shared/issuer/envelope';
import { sm2Verifier, fromHex } from '../shared/crypto';
import type { IssuerLedger } from './ledger';

export type EnrolDecision =
  | { ok: true; first: boolean; repeat: boolean }
  | { ok: false; status: 403 | 409; error: 'UNAUTHORIZED' | 'CONFLICT'; detail: string };

function strictBase64(text: string): Uint8Array | null {
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? new Uint8Array(bytes) : null;
}

/** Decides whether `m` (already schema-checked) may be enrolled. Writes nothing. */
export function decideEnrol(
  ledger: IssuerLedger,
  env: SignedEnvelope,
  m: EnrolRequest,
  enrolToken: string,
): EnrolDecision {
  const refuse = (status: 403 | 409, detail: string): EnrolDecision => ({
    ok: false,
    status,
    error: status === 403 ? 'UNAUTHORIZED' : 'CONFLICT',
    detail,
  });
  // Proof of possession: the enrolment is signed by the key being enrolled.
  if (!verifyEnvelope(sm2Verifier(fromHex(m.publicKey)), env)) return refuse(403, 'bad signature');

  const newest = ledger.newestTerminalKey(m.terminalId);
  if (!newest) {
    if (m.enrolToken === undefined || m.enrolToken !== enrolToken) return refuse(403, 'bad enrolment token');
    return { ok: true, first: true, repeat: false };
  }
  const same = ledger.terminalKey(m.terminalId, m.keyVersion);
  if (same !== undefined) {
    // A lost answer retried: the terminal sends the token only while it never had an answer, and
    // then needs K_r (sealed under the token) again.
    if (same === m.publicKey) return { ok: true, first: m.enrolToken === enrolToken, repeat: true };
    return refuse(409, `key version ${m.keyVersion} is already enrolled with another key`);
  }
  if (m.enrolToken !== undefined) return refuse(403, 'enrolment token already used for this terminal');
  if (m.keyVersion <= newest.keyVersion) return refuse(409, 'key version older than the enrolled one');
  const e = m.endorsement;
  if (!e || e.keyVersion !== newest.keyVersion)
    return refuse(403, `a new key must be endorsed by enrolled key v${newest.keyVersion}`);
  const der = strictBase64(e.sig);
  const rest: Record<string, unknown> = { ...m };
  delete rest.endorsement;
  let good = false;
  try {
    good = der !== null && sm2Verifier(fromHex(newest.publicKey)).verify(canonicalBytes(rest), der);
  } catch {
    good = false;
  }
  if (!good) return refuse(403, 'endorsement does not verify');
  return { ok: true, first: false, repeat: false };
}
