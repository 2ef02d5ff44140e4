/**
 * Enrolment as a job: the terminal's current key version must be known to the issuer (and its
 * receipt key received) before anything else can be signed for it. The payload is the key itself
 * and `meta.enrolled_key_version`; the job waits while they disagree. Enrolment never goes to the
 * dead-letter list — waiting loses nothing, and a refused token is fixed in the configuration —
 * so its refusals back off to the policy's ceiling and the log says why.
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
  enrolled: () => boolean;
  enrol: () => Promise<void>;
}): JobKind<{ keyVersion: number }> {
  return {
    kind: 'enrolment',
    policy: ENROLMENT_POLICY,
    pending: () =>
      p.enrolled()
        ? []
        : [
            {
              ref: `key-v${p.keyVersion()}`,
              data: { keyVersion: p.keyVersion() },
              summary: `v${p.keyVersion()}`,
            },
          ],
    run: () => p.enrol(),
    classify: (e) => (classifyLinkError(e) === 'permanent' ? 'refused' : classifyLinkError(e)),
  };
}
