import { defineConfig } from 'vite';

// The renderer only. base './' so the same build loads from file:// in Electron and from the
// HTTP server in browser mode.
export default defineConfig({
  root: 'renderer',
  base: './',
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    target: 'chrome120',
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:5171', '/events': 'http://127.0.0.1:5171', '/health': 'http://127.0.0.1:5171' },
  },
});
