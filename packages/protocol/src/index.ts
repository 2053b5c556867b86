export {
  ACCESS_CHANGES_CHANNEL,
  type AccessChange,
  decodeAccessChange,
  encodeAccessChange,
} from './access-change.ts'
export {
  ACCESS_CHECK_PATH,
  type AccessCheckRequest,
  type AccessCheckResponse,
  MAX_ACCESS_CHECKS,
} from './access-check.ts'
export { ACK_QUERY_PARAM, encodeAck, readAckCount } from './ack.ts'
export { CloseCode, closeCodeName } from './close-codes.ts'
export {
  calendarDocName,
  type DocKind,
  type DocRef,
  docNameFromPath,
  eventDocName,
  inboxDocName,
  isPersonalDoc,
  MAX_DOC_NAME_LENGTH,
  parseDocName,
  prefsDocName,
} from './doc-name.ts'
export { MessageType, SyncMessageType } from './message-type.ts'
export { canWrite, hasRole, isRole, type Role, roles } from './roles.ts'
export {
  isSyncTokenClaims,
  SYNC_TOKEN_ALG,
  SYNC_TOKEN_AUDIENCE,
  SYNC_TOKEN_ISSUER,
  SYNC_TOKEN_QUERY_PARAM,
  SYNC_TOKEN_TTL_SECONDS,
  type SyncTokenClaims,
} from './sync-token.ts'
