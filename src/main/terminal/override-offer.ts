/**
 * A manager's override (the cashier's prompt after OFFLINE_FLOOR_LIMIT / _TOTAL_LIMIT /
 * _CARD_LIMIT) as the port's OverrideOffer (src/main/issuer/port.ts): the port that decides a
 * sale itself by the offline policy (file-batch) asks it only when every rule broken is one a
 * manager may lift. The PIN is checked then, with the app's OverrideChecker (audited, counted
 * toward the manager's lockout); a refusal is kept and raised after the run, so the decline is
 * journaled first — as the online issuers' offline branch does (offline-sale.ts).
 */
import type { Override } from '../../shared/contract';
import type { OverrideChecker } from '../auth/override';
import type { OverrideOffer } from '../issuer/port';

export interface OfferedOverride {
  offer: OverrideOffer;
  /** Throws the PIN's refusal if the port asked and it was refused. */
  raise(): void;
}

export function offerOverride(checker: OverrideChecker, override: Override): OfferedOverride {
  let refused: unknown;
  return {
    offer: {
      grant: ({ stan, rules }) => {
        try {
          return checker.check('offline_over_limit', override, { stan, note: rules.join(',') }).id;
        } catch (e) {
          refused = e;
          return undefined;
        }
      },
    },
    raise: () => {
      if (refused !== undefined) throw refused;
    },
  };
}
