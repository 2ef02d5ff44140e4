/**
 * `cardtill issuer-sim` — runs the demo issuer alone, for a terminal configured to use it.
 * `--protocol cardtill-json` (default): the HTTP face (docs/issuer-protocol.md); `--backup-port N`
 * adds a second HTTP face on the same ledger (a backup host).
 * `--protocol iso8583 --keyset 3des|sm4 --tmk HEX`: the CUP POS face over TCP (ISO8583-CUP.md),
 * on the same ledger file and demo cards; `--backup-port N` adds a backup host's face on the same
 * ledger and TMK, which gives each terminal working keys of its own at its own sign-on.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startIssuerSim } from '../../issuer-sim/server';
import { IssuerLedger } from '../../issuer-sim/ledger';
import { startIso8583Sim } from '../../issuer-sim/iso8583/server';
import { seedDemoPasswords } from '../../issuer-sim/handlers-password';
import { KEYSETS } from '../../main/issuer/iso8583/keysets';
import { runFileBatchSim } from '../../issuer-sim/file-batch/cli';
import { flag, type CliCommand } from '../command';

function waitForSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

export const issuerSimCommand: CliCommand = {
  name: 'issuer-sim',
  summary:
    'run the demo issuer host on 127.0.0.1 (--port N, --backup-port N, --enrol-token T; --protocol iso8583 --keyset 3des|sm4 --tmk HEX; --protocol file-batch --dir D [--once])',
  async run(ctx) {
    const protocol = flag(ctx.args, 'protocol') ?? 'cardtill-json';
    // The back office of a file-batch issuer: files in --dir, no port (src/issuer-sim/file-batch/cli.ts).
    if (protocol === 'file-batch') return runFileBatchSim(ctx);
    const dataDir = path.resolve(ctx.dataDir, 'issuer-sim');
    const backupPort = flag(ctx.args, 'backup-port');
    if (backupPort !== undefined && !/^\d{1,5}$/.test(backupPort)) {
      console.error('issuer-sim: --backup-port must be a port number');
      return 2;
    }
    if (protocol === 'iso8583') {
      const keySetName = flag(ctx.args, 'keyset') ?? '3des';
      const tmkHex = flag(ctx.args, 'tmk') ?? '';
      const keySet = KEYSETS[keySetName as keyof typeof KEYSETS];
      if (!keySet || !/^[0-9a-fA-F]{32}$/.test(tmkHex)) {
        console.error('issuer-sim: --keyset must be 3des or sm4 and --tmk 32 hex digits (a 16-byte key)');
        return 2;
      }
      fs.mkdirSync(dataDir, { recursive: true });
      const ledger = new IssuerLedger(path.join(dataDir, 'issuer.db'));
      ledger.seedDemoCards();
      // The demo cards' passwords too: the ISO face checks 52 against the same store as the JSON face.
      seedDemoPasswords(ledger);
      const sim = await startIso8583Sim({
        ledger,
        keySet,
        tmk: new Uint8Array(Buffer.from(tmkHex, 'hex')),
        port: ctx.port,
        log: (l) => console.log(l),
      });
      // A backup host (docs/issuer-protocol.md "Failover rules"): a terminal's `url` + `backupUrl`.
      const backup = backupPort !== undefined ? await sim.addFace(Number(backupPort)) : undefined;
      console.log(
        JSON.stringify({
          protocol: 'iso8583',
          host: '127.0.0.1',
          port: sim.port,
          ...(backup ? { backupPort: backup.port } : {}),
          keySet: keySet.name,
        }),
      );
      await waitForSignal();
      await sim.close();
      ledger.close();
      return 0;
    }
    if (protocol !== 'cardtill-json') {
      console.error(`issuer-sim: unknown --protocol ${protocol} (cardtill-json, iso8583 or file-batch)`);
      return 2;
    }
    const sim = await startIssuerSim({
      dataDir,
      port: ctx.port,
      enrolToken: flag(ctx.args, 'enrol-token') ?? 'demo-enrol-token',
      log: (l) => console.log(l),
    });
    // A backup host's face on the same ledger, as a real issuer's backup shares its database: a
    // terminal's `url` + `backupUrl` (docs/issuer-protocol.md "Failover rules").
    const backup = backupPort !== undefined ? await sim.addFace(Number(backupPort)) : undefined;
    console.log(
      JSON.stringify({
        url: sim.url,
        ...(backup ? { backupUrl: backup.url } : {}),
        publicKey: sim.publicKeyHex,
      }),
    );
    await waitForSignal();
    await sim.close();
    return 0;
  },
};
