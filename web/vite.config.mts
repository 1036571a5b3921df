import { defineConfig } from 'vite';

/** Static files for any host: relative asset URLs, so the wizard may live under any path; config.json is not bundled. */
export default defineConfig({
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false },
});
