/**
 * Test helper: an in-memory e-purse rig — a virtual card and PSAM behind one `transmit`, a grey
 * store in a Map (it records the order of puts against the commands sent), and a tear switch that
 * makes command number k either never reach the card ('before') or be executed with its answer
 * lost ('after': the card left the field just as it answered).
 */
import { toHex } from '../../src/drivers/ic/apdu';
import type { EpTransmit, Target } from '../../src/drivers/ic/epurse/flow';
import type { GreyOutcome, GreyRecord, GreyStore } from '../../src/drivers/ic/epurse/grey';
import { VirtualEpurseCard, type EpurseCardProfile } from '../../src/drivers/ic/epurse/virtual-epurse';
import { VirtualPsam, type PsamProfile } from '../../src/drivers/ic/epurse/virtual-psam';

export class MemoryGreyStore implements GreyStore {
  readonly open = new Map<string, GreyRecord>();
  readonly closed: { grey: GreyRecord; outcome: GreyOutcome }[] = [];
  /** 'put' / 'resolve' interleaved with the rig's log of commands. */
  constructor(private readonly log?: string[]) {}
  async put(rec: GreyRecord): Promise<void> {
    this.log?.push('grey:put');
    this.open.set(rec.cardSerial, rec);
  }
  async get(cardSerial: string): Promise<GreyRecord | undefined> {
    return this.open.get(cardSerial);
  }
  async resolve(cardSerial: string, outcome: GreyOutcome): Promise<void> {
    const grey = this.open.get(cardSerial);
    if (!grey) throw new Error(`no grey record for ${cardSerial}`);
    this.log?.push(`grey:${outcome.kind}`);
    this.open.delete(cardSerial);
    this.closed.push({ grey, outcome });
  }
}

export interface Tear {
  /** 0-based index of the command (card and PSAM counted together) to tear at. */
  at: number;
  when: 'before' | 'after';
}

export class EpurseRig {
  readonly card: VirtualEpurseCard;
  readonly psam: VirtualPsam;
  readonly log: string[] = [];
  readonly store = new MemoryGreyStore(this.log);
  sent = 0;
  tear: Tear | undefined;
  /** A swapped-in other card (re-presentation with the wrong card). */
  other: VirtualEpurseCard | undefined;

  constructor(card: EpurseCardProfile, psam: PsamProfile = { terminalNumber: '000000000001' }) {
    let n = 0;
    this.card = new VirtualEpurseCard({
      random: () => Uint8Array.of(0x11, 0x22, 0x33, n++ & 0xff),
      ...card,
    });
    this.psam = new VirtualPsam(psam);
  }

  readonly transmit: EpTransmit = async (to: Target, apdu: Uint8Array) => {
    const k = this.sent++;
    this.log.push(`${to}:${toHex(apdu.subarray(0, 2))}`);
    const tear = this.tear;
    if (tear && tear.at === k && tear.when === 'before') throw new Error('torn: no answer');
    const target = to === 'psam' ? this.psam : (this.other ?? this.card);
    const r = target.respond(apdu);
    if (tear && tear.at === k && tear.when === 'after') {
      // as pcscd does it for a card gone mid-command: an empty answer, every other time an error
      if (k % 2) return new Uint8Array(0);
      throw new Error('torn: answer lost');
    }
    return r;
  };

  /** The card comes back into the field (power-on reset), tearing off. */
  represent(): void {
    this.tear = undefined;
    this.card.reset(); // the PSAM stays in its slot
  }
}
