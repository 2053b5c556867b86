// The Node entry: adapters that need Node built-ins, kept out of the browser entry.
export { createFileStore } from './storage/file-store.ts'
