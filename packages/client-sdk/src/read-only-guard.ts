// Takes back every local change to a doc this client may only read (one a
// newer schema wrote, `accessFor` in @plansync/schema, or one this user may
// only view): an editor bound to `EventHandle.notes`, or code writing
// through `handle.doc`, cannot change it. The typed writers refuse before
// writing; this catches the rest.
//
// A Y.Doc cannot refuse a write, so the guard undoes each local transaction
// right after it, with an UndoManager that tracks just that transaction. The
// change and its reversal travel together (the reversal needs the change's
// structs), and the doc reads as before on every replica. One trace is left:
// text deleted and restored comes back as new items, so marks anchored to the
// old ones (relative positions) move to their neighbours. Apps should make
// editors read-only when `access` is `read-only`; the guard is the backstop.
import { accessFor } from '@plansync/schema'
import * as Y from 'yjs'

/**
 * Guards `doc` while `readOnly()` holds (by default: a newer schema wrote
 * it); transactions from `exempt` origins (loading the local store) pass.
 * Returns the unguard.
 */
export function guardReadOnly(
  doc: Y.Doc,
  exempt: ReadonlySet<unknown>,
  readOnly: () => boolean = () => accessFor(doc) === 'read-only',
): () => void {
  const reverter = new Y.UndoManager(doc, { trackedOrigins: new Set(), captureTimeout: 0 })
  let refused: Y.Transaction | null = null
  /** Set while the guard itself transacts (undo, clearing its stack): those pass. */
  let busy = false

  const unlessBusy = (task: () => void) => {
    busy = true
    try {
      task()
    } finally {
      busy = false
    }
  }
  const before = (transaction: Y.Transaction) => {
    if (busy || !transaction.local || transaction.origin === reverter) return
    if (exempt.has(transaction.origin) || !readOnly()) return
    refused = transaction
    reverter.addTrackedOrigin(transaction.origin)
  }
  // Registered after the UndoManager's own handler, so the change is on its stack.
  const after = (transaction: Y.Transaction) => {
    // The reversal itself, done: forget it (lets Yjs collect what it kept for undo).
    if (transaction.origin === reverter) return unlessBusy(() => reverter.clear())
    if (transaction !== refused) return
    refused = null
    reverter.removeTrackedOrigin(transaction.origin)
    unlessBusy(() => reverter.undo())
  }
  doc.on('beforeTransaction', before)
  doc.on('afterTransaction', after)
  return () => {
    doc.off('beforeTransaction', before)
    doc.off('afterTransaction', after)
    reverter.destroy()
  }
}
