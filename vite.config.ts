import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer bundle: no Node, no core. The same files are loaded by Electron (file://) and by
// the loopback web host, so asset paths are relative.
export default defineConfig({
  root: 'src/renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
});
