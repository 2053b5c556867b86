// React hooks over the plansync SDK (`@plansync/client-sdk/react`).
export { PlansyncProvider, usePlansyncClient } from './provider.ts'
export { useClientStatus } from './use-client-status.ts'
export {
  type Opened,
  useCalendar,
  useEvent,
  useInbox,
  usePrefs,
} from './use-handles.ts'
export { useLive } from './use-live.ts'
export {
  useEvents,
  useInboxEntries,
  useOccurrences,
  useParticipants,
  usePresence,
  useSyncStatus,
  useTasks,
} from './use-reads.ts'
export { useUnsavedChangesGuard } from './use-unsaved-guard.ts'
