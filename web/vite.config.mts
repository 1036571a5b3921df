import { defineConfig } from 'vite';
import { guidePage } from './guide-page.mjs';

/**
 * Static files for any host: relative asset URLs, so the wizard may live under any path; config.json is not bundled.
 * The partner guide (docs/partner-setup.md) is rendered beside index.html as partner-setup.html.
 */
export default defineConfig({
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false },
  plugins: [guidePage()],
});
