/**
 * Demo mode's second issuer: the issuer simulator's ISO 8583 face (src/issuer-sim/iso8583) on a
 * loopback port, on the same ledger as the JSON face, taking the demo cards of IIN 888802
 * (DEMO_ISO_IIN). The terminal reaches it exactly as it would a real CUP POS host: an
 * `iso8583-cup` entry in `issuers`, its TMK sealed at rest in keys/tmk-iso-demo.json (entered here
 * once, as the technician would with `cardtill keys tmk`). The demo TMK is public: demo only.
 */
import fs from 'node:fs';
import { IssuerEntryConfig, DEFAULT_ISSUER_ID, type TerminalConfig } from './config/config';
import type { IssuerLedger } from '../issuer-sim/ledger';
import { startIso8583Sim, type Iso8583Sim } from '../issuer-sim/iso8583/server';
import { DEMO_ISO_IIN } from '../issuer-sim/demo-cards';
import { KEYSETS } from './issuer/iso8583/keysets';
import { storeTmk, tmkFile } from './issuer/iso8583/tmk';
import { toHex } from './crypto/bytes';

export const DEMO_ISO_ISSUER_ID = 'iso-demo';
/** The demo host's terminal master key (3DES set). */
export const DEMO_ISO_TMK_HEX = '0123456789ABCDEFFEDCBA9876543210';

export interface DemoIsoIssuer {
  sim: Iso8583Sim;
  /** The demo's routing table: the JSON home issuer for every card, the ISO one for its range. */
  entries: IssuerEntryConfig[];
}

export async function startDemoIsoIssuer(o: {
  dataDir: string;
  dataKey: Uint8Array;
  ledger: IssuerLedger;
  config: TerminalConfig;
  /** The JSON face the home entry speaks to. */
  home: { url: string; publicKey: string };
  clock: () => Date;
  log: (line: string) => void;
}): Promise<DemoIsoIssuer> {
  const keySet = KEYSETS['3des'];
  const tmk = new Uint8Array(Buffer.from(DEMO_ISO_TMK_HEX, 'hex'));
  const check = toHex(keySet.pikCheck(tmk)).toUpperCase();
  if (!fs.existsSync(tmkFile(o.dataDir, DEMO_ISO_ISSUER_ID)))
    storeTmk(o.dataDir, o.dataKey, DEMO_ISO_ISSUER_ID, keySet, DEMO_ISO_TMK_HEX, check, o.clock());
  const sim = await startIso8583Sim({
    ledger: o.ledger,
    keySet,
    tmk,
    now: o.clock,
    log: (l) => o.log(`[issuer-sim iso8583] ${l}`),
  });
  const entries = [
    IssuerEntryConfig.parse({
      id: DEFAULT_ISSUER_ID,
      name: '演示发卡方 Demo issuer (JSON)',
      protocol: 'cardtill-json',
      url: o.home.url,
      publicKey: o.home.publicKey,
      timeoutMs: o.config.issuer.timeoutMs,
      attempts: o.config.issuer.attempts,
      cardRanges: [''],
    }),
    IssuerEntryConfig.parse({
      id: DEMO_ISO_ISSUER_ID,
      name: '演示银联POS Demo CUP host (ISO 8583)',
      protocol: 'iso8583-cup',
      url: `tcp://127.0.0.1:${sim.port}`,
      timeoutMs: o.config.issuer.timeoutMs,
      attempts: o.config.issuer.attempts,
      cardRanges: [DEMO_ISO_IIN],
      iso8583: { keySet: keySet.name, tmkCheck: check },
    }),
  ];
  return { sim, entries };
}
