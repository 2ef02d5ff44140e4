/**
 * The technician's screen: devices with their configuration, self-tests (test page, read test,
 * issuer echo), the event log, device settings and the diagnostics bundle.
 */
import type { Handlers } from '../dispatch';
import type { AppContext } from '../context';
import type { techMethods, ReadTestResult } from '../../../shared/contract/tech';
import type { DeviceEvent } from '../../../shared/devices';
import { TillError } from '../../../shared/errors';
import { maskPan } from '../../../shared/card';
import { DeviceConfig, parseDeviceSpec, specFitsKind } from '../../../drivers/device-spec';
import { describeEvent } from '../../../drivers/registry';
import { describeIssuers, echoEntry } from '../../issuer/directory';
import { issuerEntries } from '../../config/config';
import type { IssuerEntry } from '../../issuer/router';
import { takeStan } from '../../store/terminal-db';
import { overlayPath, saveDeviceSetting } from '../../devices/overlay';
import { testPageDoc } from '../../devices/test-page';
import { pcscStatus } from '../../devices/pcsc-status';
import { buildDiagnostics, diagnosticsFileName } from '../../diagnostics';
import { enterTmkFromScreen, withTmkStatus } from './tech-tmk';

export function techHandlers(ctx: AppContext): Pick<Handlers, keyof typeof techMethods> {
  const takeEchoStan = () => ctx.db.transaction(() => takeStan(ctx.db))();
  const echo = async (e: IssuerEntry) => {
    const r = await echoEntry(e, takeEchoStan, ctx.clock, ctx.log);
    // An answered echo is news for that issuer's forwarder too: its link is up (the screen agrees)
    // — when any of its hosts answered (with the backup down, the primary still takes requests).
    if (r.ok || r.endpoints.some((p) => p.ok)) ctx.offline.lanes.of(e.id).forwarder.noteLink(true);
    return r;
  };

  const device = (id: string) => {
    const d = ctx.devices.list().find((x) => x.id === id);
    if (!d) throw new TillError('NOT_FOUND', `no device ${id}`);
    return d;
  };

  return {
    'tech.devices': async () => {
      const configs = ctx.devices.configs();
      return {
        devices: ctx.devices.list().map((d) => {
          const c = configs.find((x) => x.id === d.id);
          return c
            ? {
                ...d,
                config: {
                  id: c.id,
                  kind: c.kind,
                  spec: c.spec,
                  ...(c.options ? { options: c.options } : {}),
                },
              }
            : d;
        }),
        pcsc: await pcscStatus(),
        overlayFile: overlayPath(ctx.dataDir),
      };
    },

    'tech.discover': () => ctx.devices.discoverReport(),

    'tech.printTest': async ({ deviceId }) => {
      const printer = ctx.devices.printer(deviceId);
      if (!printer)
        throw new TillError(
          'DEVICE_UNAVAILABLE',
          deviceId ? `no printer ${deviceId}` : 'no printer configured',
        );
      const now = ctx.clock();
      const doc = testPageDoc({
        deviceId: printer.id,
        terminalId: ctx.config.terminalId,
        version: ctx.sessionInfo().version,
        time: now.toISOString(),
        width: ctx.config.receipt.width,
      });
      ctx.log(`tech: test page on ${printer.id}`);
      return ctx.printing.print(doc, `test-${now.getTime()}`, { deviceId: printer.id });
    },

    'tech.readTest': ({ deviceId, timeoutSeconds }) => {
      device(deviceId);
      ctx.log(`tech: read test on ${deviceId}: waiting for a card or code`);
      return new Promise<ReadTestResult>((resolve) => {
        const done = (r: ReadTestResult) => {
          clearTimeout(timer);
          off();
          ctx.log(`tech: read test on ${deviceId}: ${r.description ?? r.outcome}`);
          resolve(r);
        };
        const off = ctx.devices.onEvent((e: DeviceEvent) => {
          if (e.deviceId !== deviceId || e.type === 'state') return;
          const description = describeEvent(e);
          if (e.type === 'card') {
            const c = e.card;
            done({
              outcome: 'card',
              deviceId,
              description,
              masked: maskPan(c.pan),
              entryMode: c.entryMode,
              ...(c.expiry ? { expiry: c.expiry } : {}),
              ...(c.chipBalanceFen !== undefined ? { chipBalanceFen: c.chipBalanceFen } : {}),
              ...(c.atr ? { atr: c.atr } : {}),
              ...(c.uid ? { uid: c.uid } : {}),
            });
          } else if (e.type === 'receipt') {
            done({
              outcome: 'receipt',
              deviceId,
              description,
              ...(e.symbology ? { symbology: e.symbology } : {}),
            });
          } else {
            done({
              outcome: 'error',
              deviceId,
              description,
              code: e.code,
              ...(e.detail ? { detail: e.detail } : {}),
            });
          }
        });
        const timer = setTimeout(() => done({ outcome: 'timeout', deviceId }), (timeoutSeconds ?? 30) * 1000);
      });
    },

    'tech.echo': async () => {
      // Every issuer entry at once, each through its own port: the technician sees which is down.
      const entries = ctx.terminal.runner.router.entries();
      const issuers = await Promise.all(entries.map((e) => echo(e)));
      const failed = issuers.find((r) => !r.ok);
      const home = issuers[0]!;
      return {
        ok: !failed,
        rttMs: home.rttMs,
        ...(failed?.code ? { code: failed.code } : {}),
        ...(failed?.detail ? { detail: failed.detail } : {}),
        issuers,
      };
    },

    'tech.issuers': async ({ echo: withEcho }) => {
      const entries = ctx.router.entries();
      const echoes = withEcho
        ? new Map((await Promise.all(entries.map((e) => echo(e)))).map((r) => [r.issuerId, r]))
        : undefined;
      return {
        issuers: withTmkStatus(
          ctx,
          describeIssuers({
            entries,
            // The home entry's url as configured (demo: the embedded simulator's, as in use).
            configs: issuerEntries(ctx.config, { url: ctx.issuerUrl ?? '', publicKey: '' }),
            db: ctx.db,
            link: (id) => ctx.offline.lanes.of(id).forwarder.linkState(),
            ...(echoes ? { echoes } : {}),
          }),
        ),
      };
    },

    'tech.enterTmk': (req) => enterTmkFromScreen(ctx, req),

    'tech.log': ({ limit }) => ctx.log.recent(limit),

    'tech.setDevice': async ({ config }) => {
      const parsed = DeviceConfig.safeParse(config);
      if (!parsed.success)
        throw new TillError(
          'BAD_REQUEST',
          parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        );
      const spec = parseDeviceSpec(parsed.data.spec);
      if (!spec.ok)
        throw new TillError('BAD_REQUEST', `device spec (${spec.error.code}): ${spec.error.message}`);
      if (!specFitsKind(parsed.data.kind, spec.spec))
        throw new TillError(
          'BAD_REQUEST',
          `a ${spec.spec.transport} spec cannot be a ${parsed.data.kind} device`,
        );
      saveDeviceSetting(ctx.dataDir, parsed.data);
      ctx.log(
        `tech: device ${parsed.data.id} set to ${parsed.data.spec}; saved in devices.json, driver restarted`,
      );
      const info = await ctx.printing.reconfigure(parsed.data); // carries held receipts over
      ctx.emit('devices.changed', ctx.devices.list());
      if (!info) throw new TillError('INTERNAL', 'device not rebuilt');
      return info;
    },

    'tech.diagnostics': async () => {
      const now = ctx.clock();
      const bundle = buildDiagnostics({
        appVersion: ctx.sessionInfo().version,
        terminalId: ctx.config.terminalId,
        demo: ctx.demo,
        config: ctx.config,
        deviceConfigs: ctx.devices.configs(),
        devices: ctx.devices.list(),
        discovered: await ctx.devices.discover().catch(() => []),
        pcsc: await pcscStatus(),
        logLines: ctx.log.recent(500),
        now,
      });
      ctx.log('tech: diagnostics bundle exported');
      return {
        fileName: diagnosticsFileName(ctx.config.terminalId, now),
        json: JSON.stringify(bundle, null, 2),
      };
    },
  };
}
