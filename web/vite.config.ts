/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The app is served by `flowforge serve` from web/dist; `npm run dev` proxies the API to a server on :5000.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    sourcemap: false,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': 'http://127.0.0.1:5000',
      '/hubs': { target: 'http://127.0.0.1:5000', ws: true },
      '/hooks': 'http://127.0.0.1:5000',
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test-setup.ts'],
    // A hang guard, not a speed check: a 200-node canvas renders in well under a second alone, but a loaded two-core
    // machine can stretch that past the default five seconds.
    testTimeout: 30_000,
  },
});
