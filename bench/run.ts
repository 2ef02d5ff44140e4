/**
 * `npm run bench`: runs every bench/*.bench.ts in this process, one after another, and prints each
 * figure next to its reference measured in the same run, as a ratio. Speed is measured here and
 * never asserted in tests. `npm run bench -- crypto` runs only the files whose name contains "crypto".
 */
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface BenchRow {
  name: string;
  ours: number;
  reference: number;
  unit: string;
  /** ours ÷ reference for rates (higher is better), reference ÷ ours for times: always "how many times better". */
  ratio: number;
  note?: string;
}

const dir = path.dirname(fileURLToPath(import.meta.url));
const filter = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)))
  .sort();

const fmt = (n: number) =>
  Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toPrecision(3);
console.log(
  `CardTill benchmarks — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}\n`,
);
for (const f of files) {
  const mod = (await import(pathToFileURL(path.join(dir, f)).href)) as { run?: () => Promise<BenchRow[]> };
  if (!mod.run) continue;
  console.log(`## ${f.replace('.bench.ts', '')}`);
  const rows = await mod.run();
  const w = Math.max(...rows.map((r) => r.name.length), 10);
  console.log(
    `${'figure'.padEnd(w)}  ${'ours'.padStart(12)}  ${'reference'.padStart(12)}  unit          ratio`,
  );
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(w)}  ${fmt(r.ours).padStart(12)}  ${fmt(r.reference).padStart(12)}  ${r.unit.padEnd(12)}  ${fmt(r.ratio)}×${r.note ? `  ${r.note}` : ''}`,
    );
  }
  console.log('');
}
