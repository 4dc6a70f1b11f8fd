import { gzipSync } from 'node:zlib';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/** The first page (the services list) must load at most this much JavaScript, gzipped. */
const FIRST_PAGE_LIMIT_BYTES = 400 * 1024;

/**
 * Prints the gzipped size of the JavaScript the first page loads — the entry chunk, its static
 * imports, and the services page's route chunk with its static imports — and fails the build
 * above the limit.
 */
function firstPageBudget(): Plugin {
  return {
    name: 'pharos-first-page-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = new Map<string, { code: string; imports: string[] }>();
      let entry: string | undefined;
      let landing: string | undefined;
      for (const [fileName, output] of Object.entries(bundle)) {
        if (output.type !== 'chunk') continue;
        chunks.set(fileName, { code: output.code, imports: output.imports });
        if (output.isEntry) entry = fileName;
        if (output.facadeModuleId?.endsWith('/pages/ServicesPage.tsx')) landing = fileName;
      }
      if (entry === undefined || landing === undefined) {
        this.error('first-page budget: entry or services page chunk not found');
      }
      const seen = new Set<string>();
      const visit = (fileName: string): void => {
        if (seen.has(fileName)) return;
        seen.add(fileName);
        for (const imported of chunks.get(fileName)?.imports ?? []) visit(imported);
      };
      visit(entry);
      visit(landing);
      let gzipped = 0;
      for (const fileName of seen) gzipped += gzipSync(chunks.get(fileName)?.code ?? '').length;
      const kb = (gzipped / 1024).toFixed(1);
      this.info(`first page JavaScript: ${kb} KB gzipped in ${seen.size} chunks (limit 400 KB)`);
      // Printed on stdout too, so the figure shows in `npm run build` logs.
      console.log(
        `\nfirst page JavaScript: ${kb} KB gzipped (${seen.size} chunks, limit 400 KB)\n`,
      );
      if (gzipped > FIRST_PAGE_LIMIT_BYTES) {
        this.error(`first page JavaScript ${kb} KB gzipped exceeds 400 KB`);
      }
    },
  };
}

const pharos = process.env.PHAROS_DEV_SERVER ?? 'http://127.0.0.1:4400';

export default defineConfig({
  plugins: [react(), tailwindcss(), firstPageBudget()],
  build: { outDir: 'dist', sourcemap: false, chunkSizeWarningLimit: 1200 },
  server: {
    proxy: { '/api': pharos, '/prometheus': pharos },
  },
});
