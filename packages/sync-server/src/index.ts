export { type AccessChecker, createHttpAccessChecker } from './auth/access-checker.ts'
export { importSyncTokenPublicKey } from './auth/load-token-keys.ts'
export { createSyncTokenVerifier, type SyncTokenVerifierOptions } from './auth/token-verifier.ts'
export type { Principal, Role, TokenVerifier, VerifyRequest } from './auth/verifier.ts'
export { createDenyAllVerifier, createInsecureDevVerifier } from './auth/verifier.ts'
export { createRedisRelay, type RedisRelayOptions } from './cluster/redis-relay.ts'
export type { Relay, RelayHandlers } from './cluster/relay.ts'
export { ConfigError, loadConfig, type SyncServerConfig } from './config.ts'
export { SyncError, type SyncErrorCode } from './errors.ts'
export { openStore } from './open-store.ts'
export {
  type ClusterOptions,
  createSyncServer,
  type SyncServer,
  type SyncServerOptions,
} from './server.ts'
export { createInlineMerge, type MergeFunction, mergeBalanced } from './storage/merge.ts'
export { createMergeWorker, type MergeWorker } from './storage/merge-pool.ts'
export { createPostgresStore } from './storage/postgres.ts'
export { createSqliteStore } from './storage/sqlite.ts'
export type {
  AppendEntry,
  CompactionResult,
  DocStore,
  LogStats,
  StoredDoc,
} from './storage/types.ts'
