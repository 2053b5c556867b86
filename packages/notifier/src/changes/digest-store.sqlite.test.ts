// The change digest store suite on SQLite, one temp database file per test.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describeChangeDigestStore } from './digest-store-suite.ts'

describeChangeDigestStore(
  'sqlite',
  async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'plansync-digests-'))
    return {
      storage: { kind: 'sqlite', file: path.join(dir, 'notifier.sqlite') },
      drop: () => rm(dir, { recursive: true, force: true }),
    }
  },
  { concurrent: false },
)
