/** `cardtill issuer-sim` — runs the demo issuer alone, for a terminal configured to use it. */
import path from 'node:path';
import { startIssuerSim } from '../../issuer-sim/server';
import { flag, type CliCommand } from '../command';

export const issuerSimCommand: CliCommand = {
  name: 'issuer-sim',
  summary: 'run the demo issuer host on 127.0.0.1 (--port N, --enrol-token T)',
  async run(ctx) {
    const sim = await startIssuerSim({
      dataDir: path.resolve(ctx.dataDir, 'issuer-sim'),
      port: ctx.port,
      enrolToken: flag(ctx.args, 'enrol-token') ?? 'demo-enrol-token',
      log: (l) => console.log(l),
    });
    console.log(JSON.stringify({ url: sim.url, publicKey: sim.publicKeyHex }));
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await sim.close();
    return 0;
  },
};
