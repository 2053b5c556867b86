// Builds the reference app into dist/, which `npm start` serves at `/` and
// the cluster serves as its own static service. Workspace packages resolve to
// their TypeScript sources (the `source` condition), so the SDK needs no build
// of its own first. The service worker (Workbox through vite-plugin-pwa)
// precaches the app shell, so the app opens and reloads without a network.
import react from '@vitejs/plugin-react'
import { defaultClientConditions, defineConfig } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'

/** Paths that belong to the server, never to the app shell. */
const SERVER_PATHS = [/^\/auth\//, /^\/sync\//, /^\/feeds\//, /^\/(healthz|readyz|metrics)$/]

export default defineConfig({
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: { target: 'es2023', sourcemap: true, chunkSizeWarningLimit: 1500 },
  server: {
    // `npm run dev -w @plansync/web` against `npm run dev` on :8080.
    proxy: {
      '/auth': 'http://127.0.0.1:8080',
      '/feeds': 'http://127.0.0.1:8080',
      '/sync': { target: 'ws://127.0.0.1:8080', ws: true },
    },
  },
  plugins: [
    react(),
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: false,
      includeAssets: ['icon.svg'],
      manifest: {
        name: 'plansync',
        short_name: 'plansync',
        description: 'Shared calendars for families, friends and teams, online and offline.',
        theme_color: '#1d4ed8',
        background_color: '#ffffff',
        display: 'standalone',
        start_url: '/',
        icons: [{ src: '/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,woff2}'],
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
        navigateFallback: '/index.html',
        navigateFallbackDenylist: SERVER_PATHS,
        cleanupOutdatedCaches: true,
      },
    }),
  ],
})
