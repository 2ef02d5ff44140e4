/**
 * `cardtill issuers [--config FILE] [--no-echo] [--json]` — every issuer entry the terminal routes
 * cards to: protocol, card ranges, endpoints and which one is in use, the key version it enrolled
 * and the last sign-on (from the data dir), and an Echo sent now to each through its own port with
 * the round-trip time (the same builder as the technician's screen, src/main/issuer/directory.ts).
 *
 * Each endpoint is echoed, the backup too, with its own round trip (IssuerPort.echoEach).
 *
 * The echo is signed with the terminal's key, so it needs the key secret the app uses (the
 * variable the config's keyPassphraseEnv names, else the machine secret), and takes a STAN from
 * the terminal database like every command (safe while the terminal runs: one SQLite transaction).
 * An ISO 8583 echo goes without a sign-on: one from here would replace the working keys the host
 * holds for this terminal id under the running terminal's feet.
 * In demo mode the issuers are the simulator's faces the app starts on ports of its choosing:
 * the running app says where in <data-dir>/run/demo-issuers.json (src/main/demo-issuers-file.ts);
 * with no demo app running there is nothing to echo.
 */
import fs from 'node:fs';
import path from 'node:path';
import { issuerEntries, loadConfig } from '../../main/config/config';
import { openTerminalDb, takeStan } from '../../main/store/terminal-db';
import { loadOrCreateTerminalKeys, currentKeyVersion } from '../../main/keys/terminal-keys';
import { KeySecretError, keySecretForExistingKeys } from '../../main/keys/secret';
import { createIssuerRouter } from '../../main/issuer/create-router';
import { describeIssuers, echoEntry } from '../../main/issuer/directory';
import type { EchoResult, IssuerInfo } from '../../shared/contract/tech';
import type { Db } from '../../main/store/sqlite';
import type { CliCommand } from '../command';
import { readDemoIssuers } from '../../main/demo-issuers-file';

const DEMO_ADDRESS = 'embedded issuer-sim (demo: started by the app) 内置模拟发卡方';

function render(list: IssuerInfo[]): string {
  const out: string[] = [];
  for (const i of list) {
    out.push(`发卡方 ISSUER ${i.issuerId} (${i.name})${i.home ? ' [home 主发卡方]' : ''}`);
    out.push(`  协议 PROTOCOL    ${i.protocol}`);
    out.push(`  卡段 CARD RANGES ${i.cardRanges.map((r) => r || '(all 全部)').join(', ')}`);
    for (const e of i.endpoints)
      out.push(
        `  地址 ENDPOINT    ${e.role} ${e.address}${e.inUse ? ' (in use 使用中)' : ''}${e.signedOnAt ? `, signed on 签到 ${e.signedOnAt}` : ''}`,
      );
    const signOn = i.enrols
      ? `${i.enrolledKeyVersion === null ? 'not enrolled 未签到' : `key v${i.enrolledKeyVersion}`}${i.lastSignOnAt ? `, ${i.lastSignOnAt}` : ''}`
      : `${i.lastSignOnAt ?? 'n/a 不适用'} (protocol signs on by itself 协议自行签到)`;
    out.push(`  签到 SIGN-ON     ${signOn}`);
    const e = i.echo;
    const words = (r: Pick<EchoResult, 'ok' | 'rttMs' | 'code' | 'detail'>) =>
      r.ok ? `ok 正常 ${r.rttMs} ms` : `failed 失败 ${r.code ?? ''} after ${r.rttMs} ms: ${r.detail ?? ''}`;
    if (!e) out.push('  回响 ECHO        not sent 未发送');
    else if (e.endpoints.length < 2) out.push(`  回响 ECHO        ${words(e)}`);
    // Primary and backup each their own line: a backup that does not answer is seen before it is needed.
    else
      for (const p of e.endpoints)
        out.push(`  回响 ECHO        ${p.role}${p.inUse ? ' (in use 使用中)' : ''} ${words(p)}`);
  }
  return `${out.join('\n')}\n`;
}

export const issuersCommand: CliCommand = {
  name: 'issuers',
  summary: 'list every issuer: protocol, endpoints, last sign-on, echo round-trip time (--no-echo, --json)',
  async run(ctx) {
    const { config, demo } = loadConfig(ctx.config);
    const echo = !ctx.args.includes('--no-echo');
    const home = { url: config.issuer.url ?? '', publicKey: config.issuer.publicKey ?? '' };
    // Demo: the running app's simulator faces (their ports are the app's choice), if it runs.
    const demoRunning = demo && !config.issuers ? readDemoIssuers(ctx.dataDir) : undefined;
    if (demo && !config.issuers && !demoRunning && echo)
      process.stderr.write(
        'cardtill issuers: demo mode and no app running on this data dir: the demo issuers run inside the app (npm start); no echo\n' +
          'cardtill issuers: 演示模式，此数据目录上没有运行中的程序：演示发卡方在程序内运行（npm start），未发送连通测试\n',
      );
    const configs = demoRunning ?? issuerEntries(config, home);
    const hasDb = fs.existsSync(path.join(ctx.dataDir, 'terminal.db'));
    // Read-only unless an echo takes a STAN.
    const db: Db | undefined = hasDb
      ? openTerminalDb(ctx.dataDir, echo ? {} : { readonly: true })
      : undefined;
    try {
      const echoes = new Map<string, EchoResult>();
      let router: ReturnType<typeof createIssuerRouter> | undefined;
      const reachable = configs.filter((c) => c.url);
      if (echo && db && reachable.length === configs.length && currentKeyVersion(ctx.dataDir) !== undefined) {
        let keys;
        try {
          keys = loadOrCreateTerminalKeys(
            ctx.dataDir,
            keySecretForExistingKeys(ctx.dataDir, process.env, config.keyPassphraseEnv),
          );
        } catch (e) {
          if (!(e instanceof KeySecretError)) throw e;
          process.stderr.write(
            `cardtill issuers: no echo (the key secret is needed to sign it):\n${e.message}\n`,
          );
        }
        if (keys) {
          router = createIssuerRouter({
            entries: configs,
            signer: { keyId: `terminal:${config.terminalId}:${keys.keyVersion}`, sign: keys.sign },
            terminalId: config.terminalId,
            merchantId: config.merchantId,
            clock: () => new Date(),
            onAlert: (what) => process.stderr.write(`ALERT issuer answer rejected: ${what}\n`),
            // An iso8583-cup entry's echo goes without a sign-on (the running terminal's keys stay).
            iso: { dataDir: ctx.dataDir, dataKey: keys.dataKey, db, log: () => {}, signOnBeforeEcho: false },
          });
          const stan = () => db.transaction(() => takeStan(db))();
          for (const r of await Promise.all(
            router.entries().map((e) =>
              echoEntry(
                e,
                stan,
                () => new Date(),
                () => {},
              ),
            ),
          ))
            echoes.set(r.issuerId, r);
        }
      }
      const entries =
        router?.entries() ??
        configs.map((c) => ({
          id: c.id,
          name: c.name,
          port: { protocol: c.protocol } as never,
          attempts: c.attempts,
          timeoutMs: c.timeoutMs,
          cardRanges: c.cardRanges,
        }));
      const list = db
        ? describeIssuers({ entries, configs, db, echoes })
        : describeIssuers({ entries, configs, db: emptyMeta(), echoes });
      if (demo && !config.issuers && !demoRunning)
        list[0]!.endpoints = [{ role: 'primary', address: DEMO_ADDRESS, inUse: true }];
      process.stdout.write(ctx.args.includes('--json') ? `${JSON.stringify(list, null, 2)}\n` : render(list));
      router?.close();
      return list.some((i) => i.echo && !i.echo.ok) ? 1 : 0;
    } finally {
      db?.close();
    }
  },
};

/** A stand-in with no `meta` rows, for a data dir the terminal never started in. */
function emptyMeta(): Db {
  return { prepare: () => ({ get: () => undefined }), transaction: (f: () => void) => f } as unknown as Db;
}
