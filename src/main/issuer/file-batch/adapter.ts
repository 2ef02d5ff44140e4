/**
 * The `file-batch` issuer adapter: an issuer with no online link (区域性商超：文件接口). It answers the
 * runner's commands itself, so a sale on its cards takes the one path (pending → final → journal):
 *
 *   Authorize  the offline policy (src/offline-queue/policy.ts, with this entry's limits) on the
 *              issuer's signed hot list and balance snapshot, less what this terminal approved
 *              since the snapshot — declined FILE_BATCH_STALE while either list is missing or past
 *              its valid-until; a manager's override (the command's `override`) lifts the
 *              over-limit rules only, and its manager is kept on the decision
 *   Inquire    the same known balance
 *   Void       of a sale it approved; Refund (linked or not): credited back to the known balance
 *   Reverse    answered: nothing reached the issuer yet (only journaled approvals go into files)
 *   Settle     declined FILE_BATCH_SETTLES_BY_FILE: the acknowledged files are its settlement
 *   Hotcards   answered "no change" (its lane's forwarder asks; the list comes by file)
 *   Advice, Activate, Topup: declined ISSUER_UNSUPPORTED, its detail naming the file interface
 *
 * The files themselves (inbound lists, outbound transaction files, acknowledgements) are moved by
 * `sync()`, which the job queue's `filebatch` kind runs (src/main/jobs/file-batch-job.ts).
 */
import type { Db } from '../../../shared/store/sqlite';
import type { ErrorCode } from '../../../shared/errors';
import { evaluateOffline } from '../../../offline-queue/policy';
import type {
  AuthorizeCommand,
  ExchangeOutcome,
  IssuerAnswer,
  IssuerCommand,
  IssuerPort,
  SignOnResult,
} from '../port';
import type { OfflineConfig } from '../../../offline-queue/config';
import { fileBatchLimits, type FileBatchOptions } from './config';
import { FileBatchStore } from './store';
import { syncFiles, type SyncDeps, type SyncReport } from './sync';
import { fileBatchStatus, type FileBatchIssuerStatus } from './status';

/** What the composition hands the adapter once the database and keys exist (jobs/file-batch-job.ts). */
export interface FileBatchRuntime {
  db: Db;
  dataKey: Uint8Array;
  terminalId: string;
  keyVersion: number;
  sign(bytes: Uint8Array): Uint8Array;
  /** Opens a txns row's sealed card number (TxnStore.openPan). */
  openPan(sealed: Uint8Array): string;
  /** The top-level offline limits (config `offline`): the entry's own block goes over them. */
  offlineBase: OfflineConfig;
  clock: () => Date;
  log: (line: string) => void;
}

export interface FileBatchEntry {
  id: string;
  name: string;
  /** The exchange directory. */
  dir: string;
  issuerPublicKey: Uint8Array;
  options: FileBatchOptions;
  /** The entry's own offline limits (config `issuers[].offline`). */
  offline?: Partial<OfflineConfig>;
}

function answer(result: 'approved' | 'declined', a: Partial<IssuerAnswer> = {}): ExchangeOutcome {
  return { kind: 'answer', answer: { result, extra: {}, ...a } };
}
const declined = (code: ErrorCode, balanceFen?: number) =>
  answer('declined', balanceFen === undefined ? { code } : { code, balanceFen });
const authCodeOf = (stan: number) => `FB${String(stan % 1_000_000).padStart(6, '0')}`;

export class FileBatchAdapter implements IssuerPort {
  readonly protocol = 'file-batch';
  private writeWanted = false;
  /** The last sync's time and failure (a folder not there, not writable), for the manager's screen. */
  private lastSync: { at: string; error: string | null } | null = null;
  private rt?: FileBatchRuntime;
  private st?: FileBatchStore;

  constructor(readonly entry: FileBatchEntry) {}

  /** Gives the adapter its database and keys (before the first sale: core.ts registers the job). */
  attach(rt: FileBatchRuntime): void {
    this.rt = rt;
    const limits = fileBatchLimits(rt.offlineBase, this.entry.offline);
    this.st = new FileBatchStore(rt.db, this.entry.id, rt.dataKey, limits, rt.clock);
  }

  get store(): FileBatchStore | undefined {
    return this.st;
  }

  async exchange(cmd: IssuerCommand): Promise<ExchangeOutcome> {
    const st = this.st;
    // There is no host to reach: an echo (the technician's, `cardtill issuers`) is answered here.
    if (cmd.kind === 'echo') return answer('approved');
    if (!st) return { kind: 'not-sent', detail: 'file-batch store not attached' };
    switch (cmd.kind) {
      case 'authorize':
        return this.authorize(st, cmd);
      case 'inquire': {
        if (!st.listsUsable()) return declined('FILE_BATCH_STALE');
        const f = st.facts(cmd.card.pan, 0);
        if (f.hotCard) return declined('OFFLINE_HOT_CARD');
        if (f.knownBalanceFen === null) return declined('OFFLINE_BALANCE_UNKNOWN');
        return answer('approved', { balanceFen: f.knownBalanceFen });
      }
      case 'void': {
        const orig = st.decision(cmd.origStan);
        if (!orig || orig.kind !== 'sale') return declined('NOT_FOUND');
        return this.credit(st, cmd.stan, 'void', orig.card_key, cmd.amountFen, cmd.origStan);
      }
      case 'refund': {
        const orig = cmd.origStan !== undefined ? st.decision(cmd.origStan) : undefined;
        if (cmd.origStan !== undefined && (!orig || orig.kind !== 'sale')) return declined('NOT_FOUND');
        const key = orig ? orig.card_key : st.cardKey(cmd.card!.pan);
        return this.credit(st, cmd.stan, 'refund', key, cmd.amountFen, cmd.origStan ?? null);
      }
      case 'reverse': {
        // Only journaled approvals are written to files, so a row being reversed (declined, or
        // never finalized) never reached the issuer: nothing to undo. An approved row is not
        // reversed behind the issuer's back — that is a void or refund.
        const row = st.db.prepare('SELECT status FROM txns WHERE stan = ?').get(cmd.origStan) as
          { status: string } | undefined;
        if (row?.status === 'approved') return declined('INVALID_STATE');
        return answer('approved', {
          original: { found: st.decision(cmd.origStan) !== undefined, applied: false, reversed: false },
        });
      }
      case 'hotcards':
        // This entry's store-and-forward lane asks like any issuer's; the list comes by file
        // (the adapter's own), so the answer is "no change" and the lane's link stays up.
        return answer('approved', {
          hotcards: { version: cmd.sinceVersion, full: false, add: [], remove: [] },
        });
      case 'settle':
        // Its settlement is the acknowledged transaction files (sync.ts), not a message.
        return declined('FILE_BATCH_SETTLES_BY_FILE');
      default:
        // Store-and-forward (there is no link to be down) and card life have no file. The one
        // code for "this issuer cannot do that" (as the ISO adapter's), the detail says why.
        return answer('declined', {
          code: 'ISSUER_UNSUPPORTED',
          malformed: `${cmd.kind}: a file-batch issuer (file interface, settled by its daily files) takes only sales, inquiries, voids and refunds`,
        });
    }
  }

  /**
   * The offline policy on the files' facts. A manager's override (the cashier's prompt: the
   * command's `override`) lifts the over-limit rules only — floor, total, per card — as for an
   * online issuer's offline sale (offline-sale.ts): never a hot card, a velocity block, the age of
   * the oldest unacknowledged sale, or a balance the file says is too low (the back office would
   * refuse that line: the money is not on the card).
   */
  private authorize(st: FileBatchStore, cmd: AuthorizeCommand): ExchangeOutcome {
    const { stan, amountFen } = cmd;
    if (!st.listsUsable()) return declined('FILE_BATCH_STALE');
    const f = st.facts(cmd.card.pan, amountFen);
    const v = evaluateOffline(st.limits, f);
    // Refused only for the store's limits does not count toward velocity unless a manager's PIN
    // comes with it (policy.ts countsPresentation) — the same rule as offline-sale.ts.
    if (v.countsPresentation || cmd.override) st.notePresentation(f.cardKey, v.blockUntil);
    const first = v.violations[0];
    let overrideBy: string | undefined;
    if (first) {
      overrideBy = v.overridable ? cmd.override?.grant({ stan, rules: v.violations }) : undefined;
      if (overrideBy === undefined)
        return declined(
          first,
          first === 'INSUFFICIENT_BALANCE' ? (f.knownBalanceFen ?? undefined) : undefined,
        );
      this.rt!.log(
        `stan ${stan}: file-batch ${this.entry.id} sale over limit (${v.violations.join(',')}) allowed by manager ${overrideBy}`,
      );
    }
    st.decide({
      stan,
      card_key: f.cardKey,
      kind: 'sale',
      orig_stan: null,
      amount_fen: amountFen,
      override_by: overrideBy ?? null,
    });
    return answer('approved', {
      ...(f.knownBalanceFen !== null ? { balanceFen: Math.max(f.knownBalanceFen - amountFen, 0) } : {}),
      authCode: authCodeOf(stan),
    });
  }

  private credit(
    st: FileBatchStore,
    stan: number,
    kind: 'void' | 'refund',
    cardKey: string,
    amountFen: number,
    origStan: number | null,
  ): ExchangeOutcome {
    st.decide({
      stan,
      card_key: cardKey,
      kind,
      orig_stan: origStan,
      amount_fen: amountFen,
      override_by: null,
    });
    const known = st.knownBalance(cardKey);
    return answer('approved', {
      ...(known !== null ? { balanceFen: known + amountFen } : {}),
      authCode: authCodeOf(stan),
    });
  }

  /** The next sync writes today's transaction file even before the day ends (the manager's button). */
  requestWrite(): void {
    this.writeWanted = true;
  }

  /** Reads the issuer's files, then writes what is due (the job's run). */
  sync(o: { writeNow?: boolean } = {}): SyncReport {
    if (!this.rt || !this.st) throw new Error('file-batch adapter not attached');
    const deps: SyncDeps = { ...this.rt, store: this.st, entry: this.entry };
    const writeNow = o.writeNow || this.writeWanted;
    const at = this.rt.clock().toISOString();
    try {
      const report = syncFiles(deps, { writeNow });
      if (writeNow) this.writeWanted = false; // only once it went through: a failed sync keeps the wish
      this.lastSync = { at, error: null };
      return report;
    } catch (e) {
      this.lastSync = { at, error: (e as Error).message };
      throw e;
    }
  }

  status(): FileBatchIssuerStatus | undefined {
    if (!this.rt) return undefined;
    return { ...fileBatchStatus(this.rt.db, this.entry, this.rt.clock()), lastSync: this.lastSync };
  }

  async signOn(): Promise<SignOnResult> {
    return {}; // no key exchange: the issuer's key is configured, the terminal's is in the file header
  }
  /** There is no link to cut (the demo switch cuts every entry's): decisions stay local. */
  setCut(cut: boolean): void {
    void cut;
  }
  isCut(): boolean {
    return false;
  }
}
