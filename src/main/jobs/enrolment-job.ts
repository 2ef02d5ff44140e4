/**
 * Enrolment as a job: the terminal's current key version must be known to each issuer that
 * enrols terminals (and the home issuer's receipt key received) before anything else can be
 * signed for it. One job per issuer entry that needs it; the payload is the key itself and the
 * entry's enrolled key version (core.ts `IssuerEnrolment`); a job waits while they disagree.
 * Entries are independent: one issuer refusing or being down never holds another's enrolment.
 * Enrolment never goes to the dead-letter list — waiting loses nothing, and a refused token is
 * fixed in the configuration — so its refusals back off to the policy's ceiling and the log says why.
 */
import type { JobKind } from './queue';
import type { RetryPolicy } from './retry';
import { classifyLinkError } from './reversal-job';

export const ENROLMENT_POLICY: RetryPolicy = {
  baseMs: 5_000,
  maxMs: 10 * 60_000,
  maxRefusals: Number.POSITIVE_INFINITY,
};

export function enrolmentKind(p: {
  keyVersion: () => number;
  /** The entries that enrol terminals, home first. */
  issuers: () => readonly string[];
  enrolled: (issuerId: string) => boolean;
  enrol: (issuerId: string) => Promise<void>;
}): JobKind<{ keyVersion: number; issuerId: string }> {
  return {
    kind: 'enrolment',
    policy: ENROLMENT_POLICY,
    pending: () =>
      p
        .issuers()
        .filter((id) => !p.enrolled(id))
        .map((issuerId) => {
          const home = issuerId === p.issuers()[0];
          return {
            // The home issuer's job keeps the name it had with one issuer.
            ref: home ? `key-v${p.keyVersion()}` : `key-v${p.keyVersion()}@${issuerId}`,
            lane: `enrolment:${issuerId}`,
            data: { keyVersion: p.keyVersion(), issuerId },
            summary: home ? `v${p.keyVersion()}` : `v${p.keyVersion()} ${issuerId}`,
          };
        }),
    run: (job) => p.enrol(job.data.issuerId),
    classify: (e) => (classifyLinkError(e) === 'permanent' ? 'refused' : classifyLinkError(e)),
  };
}
