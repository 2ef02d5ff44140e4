import { defineConfig } from 'vite';
import { builtinModules } from 'node:module';

// Bundles the Electron main process and the preload for packaging (electron-builder.yml).
// Native modules stay external and are unpacked from the asar.
const external = [
  'electron',
  'better-sqlite3',
  'serialport',
  'nfc-pcsc',
  'node-hid',
  '@pokusew/pcsclite',
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
];

export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    ssr: true,
    sourcemap: true,
    target: 'node20',
    rollupOptions: {
      input: {
        'main/electron-main': 'src/main/electron/main.ts',
        'preload/preload': 'src/preload/preload.ts',
      },
      external,
      output: { format: 'cjs', entryFileNames: '[name].cjs' },
    },
  },
});
