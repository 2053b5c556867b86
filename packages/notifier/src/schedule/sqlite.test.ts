// The reminder schedule suite on SQLite, one temp database file per test.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describeReminderSchedule } from './schedule-suite.ts'

describeReminderSchedule('sqlite', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'plansync-schedule-'))
  return {
    storage: { kind: 'sqlite', file: path.join(dir, 'schedule.sqlite') },
    drop: () => rm(dir, { recursive: true, force: true }),
  }
})
