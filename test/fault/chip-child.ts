/**
 * The chip crash test's child: the real core with a PBOC e-purse reader and the simulated PSAM.
 * The card's state (balance, sequences, its last proof) lives in a file, so it outlives the
 * process as a physical card outlives a till. `killAt` makes the child kill -9 ITSELF at an exact
 * moment of the purchase: before the card executes DEBIT, after it executed DEBIT but before the
 * answer is read, or after the PSAM verified MAC2 (the grey record still open). `pay` runs one
 * chip purchase; `resolve` starts again (recovery), presents the card and settles what is open.
 * Configuration comes as JSON in CHIP_CHILD.
 */
import fs from 'node:fs';
import { bootCore, prepareTill, type CoreSpec } from './core';
import { DeviceRegistry } from '../../src/drivers/registry';
import { DeviceHub as IcHub } from '../../src/drivers/ic/device-hub';
import { VirtualEpurseCard } from '../../src/drivers/ic/epurse/virtual-epurse';
import { fromHex, toHex } from '../../src/drivers/ic/apdu';
import type { ChipReader } from '../../src/drivers/types';

interface ChildSpec extends CoreSpec {
  mode: 'pay' | 'resolve';
  killAt: 'none' | 'debit-before' | 'debit-after' | 'mac2-after';
  cardFile: string;
  reportFile: string;
  pan: string;
  amountFen: number;
}
const spec = JSON.parse(process.env.CHIP_CHILD ?? '{}') as ChildSpec;
const die = () => process.kill(process.pid, 'SIGKILL');

interface Proof {
  seq: number;
  mac2: string;
  tac: string;
}
interface CardState {
  balanceFen: number;
  offlineSeq: number;
  onlineSeq: number;
  lastPurchase?: Proof;
  records: number;
}
const state = JSON.parse(fs.readFileSync(spec.cardFile, 'utf8')) as CardState;
const card = new VirtualEpurseCard({
  cardNumber: spec.pan,
  balanceFen: state.balanceFen,
  offlineSeq: state.offlineSeq,
  onlineSeq: state.onlineSeq,
});
// The card's proof of its latest purchase (GET TRANSACTION PROVE) is card state too.
type Inner = { lastPurchase?: { seq: number; mac2: Uint8Array; tac: Uint8Array } };
if (state.lastPurchase)
  (card as unknown as Inner).lastPurchase = {
    seq: state.lastPurchase.seq,
    mac2: fromHex(state.lastPurchase.mac2),
    tac: fromHex(state.lastPurchase.tac),
  };
function save(): void {
  const lp = (card as unknown as Inner).lastPurchase;
  const next: CardState = {
    balanceFen: card.balanceFen,
    offlineSeq: card.offlineSeq,
    onlineSeq: card.onlineSeq,
    records: state.records + (card.offlineSeq - state.offlineSeq),
    ...(lp ? { lastPurchase: { seq: lp.seq, mac2: toHex(lp.mac2), tac: toHex(lp.tac) } } : {}),
  };
  fs.writeFileSync(spec.cardFile, JSON.stringify(next));
}

const hub = new IcHub(
  { id: 'chip-ic', kind: 'ic', transport: 'sim', path: 'sim', simulated: true },
  'connected',
);
const reader: ChipReader = {
  id: 'chip-ic',
  kind: 'ic',
  start: async () => {},
  stop: async () => {},
  info: () => hub.info(),
  onEvent: (l) => hub.on(l),
  chipChannel: () => async (apdu) => {
    const debit = apdu[0] === 0x80 && apdu[1] === 0x54;
    if (debit && spec.killAt === 'debit-before') die();
    const r = card.respond(apdu);
    save();
    if (debit && spec.killAt === 'debit-after') die();
    return r;
  },
};
const devices = new DeviceRegistry(
  [
    { id: 'chip-ic', kind: 'ic', spec: 'sim:ic' },
    { id: 'sim-psam', kind: 'psam', spec: 'sim:psam' },
  ],
  { factories: { simIcReader: () => reader } },
);
// The PSAM's answer to VERIFY MAC2: the card has debited, the grey record is still open.
const core = await bootCore({ ...spec, devices, epurse: true });
if (spec.killAt === 'mac2-after') {
  const psam = devices.get('sim-psam') as unknown as {
    channel(): ((a: Uint8Array) => Promise<Uint8Array>) | undefined;
  };
  const channel = psam.channel.bind(psam);
  psam.channel = () => {
    const ch = channel();
    return ch
      ? async (apdu) => {
          const r = await ch(apdu);
          if (apdu[0] === 0x80 && apdu[1] === 0x72) die();
          return r;
        }
      : undefined;
  };
}
prepareTill(core);
const present = () =>
  core.terminal.present(
    { pan: spec.pan, entryMode: 'contactless', epurse: true, chipBalanceFen: card.balanceFen },
    'chip-ic',
  );
const chip = core.core.ctx.chip!;
const report = (line: object) => fs.appendFileSync(spec.reportFile, `${JSON.stringify(line)}\n`);
if (spec.mode === 'pay') {
  try {
    const r = await chip.purchase({ cardToken: present().cardToken, amountFen: spec.amountFen });
    report({ stan: r.stan, status: r.status });
  } catch (e) {
    report({ error: (e as { code?: string }).code ?? String(e) });
  }
} else {
  for (const row of core.store.pending()) {
    const r = await chip.resolve({ cardToken: present().cardToken, stan: row.stan });
    report({ stan: r.stan, status: r.status, resolved: true });
  }
}
await core.close();
process.stdout.write('done\n');
