// The checker of the cluster fault suites: every marker a client was told is
// durable (or saw relayed) is in every replica (through nginx, on each
// instance) and in storage, the replicas hold the same markers, and none
// has pending structs.
import { expect } from 'vitest'
import type * as Y from 'yjs'
import type { TestCluster } from './cluster.ts'
import { markersOf, missingFrom, readDoc, readMetric } from './markers.ts'

export async function checkDoc(
  cluster: TestCluster,
  docName: string,
  expected: string[],
): Promise<void> {
  const replicas: Array<[string, Y.Doc]> = [
    ['nginx', await readDoc(cluster.nginx.syncUrl, docName)],
  ]
  for (const [i, instance] of cluster.instances.entries()) {
    replicas.push([`sync-${i + 1}`, await readDoc(instance.syncUrl, docName)])
  }
  replicas.push(['storage', await cluster.storedDoc(docName)])
  for (const [where, doc] of replicas) {
    const missing = missingFrom(new Set(markersOf(doc)), expected)
    expect(missing, `${docName}: confirmed markers missing at ${where}`).toEqual([])
    expect(doc.store.pendingStructs, `${docName} at ${where}`).toBeNull()
    expect(doc.store.pendingDs, `${docName} at ${where}`).toBeNull()
  }
  const [, first] = replicas[0] as [string, Y.Doc]
  for (const [where, doc] of replicas) {
    expect(markersOf(doc).sort(), `${docName}: ${where} differs`).toEqual(markersOf(first).sort())
  }
}

/** One unlabelled metric of every instance, in instance order. */
export async function metricOfAll(cluster: TestCluster, name: string): Promise<number[]> {
  return Promise.all(cluster.instances.map((instance) => readMetric(instance.url, name)))
}
