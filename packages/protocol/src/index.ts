export { ACK_QUERY_PARAM, encodeAck, readAckCount } from './ack.ts'
export { CloseCode, closeCodeName } from './close-codes.ts'
export {
  calendarDocName,
  type DocKind,
  type DocRef,
  docNameFromPath,
  eventDocName,
  inboxDocName,
  MAX_DOC_NAME_LENGTH,
  parseDocName,
} from './doc-name.ts'
export { MessageType, SyncMessageType } from './message-type.ts'
