// The app's entry: one SDK client for the page, the service worker that
// keeps the app shell available offline, and the React tree.
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app.tsx'
import { createAppClient } from './client.ts'
import './styles.css'

const client = createAppClient()
const root = document.getElementById('root')
if (!root) throw new Error('index.html lacks #root')
createRoot(root).render(
  <StrictMode>
    <App client={client} />
  </StrictMode>,
)

// Only in the built app: the dev server serves modules the worker cannot precache.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  void import('virtual:pwa-register').then(({ registerSW }) => registerSW({ immediate: true }))
}
