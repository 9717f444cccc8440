// The browser lab's build: web/ is the Vite root, the static site goes to ../site (relative asset URLs,
// so it works from any static host or sub-folder); the compute worker is an ES module worker.
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  build: {
    outDir: '../site',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
  },
  worker: { format: 'es' },
  server: { fs: { allow: ['..'] } },
});
