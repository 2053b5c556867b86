// The notifier's Prometheus metrics: what is due, sent, failed, retried and
// missed, and the lag between a reminder's due time and its delivery.
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { ReminderSchedule, ReminderState } from '../schedule/types.ts'

export type NotifierMetrics = ReturnType<typeof createNotifierMetrics>

export function createNotifierMetrics(schedule: ReminderSchedule) {
  const registry = new Registry()
  const registers = [registry]
  return {
    registry,
    sent: new Counter({
      name: 'notifier_sent_total',
      help: 'Notifications delivered',
      labelNames: ['channel'],
      registers,
    }),
    failed: new Counter({
      name: 'notifier_failed_total',
      help: 'Deliveries that failed for good',
      labelNames: ['channel'],
      registers,
    }),
    retried: new Counter({
      name: 'notifier_retried_total',
      help: 'Deliveries that failed and were rescheduled',
      labelNames: ['channel'],
      registers,
    }),
    missed: new Counter({
      name: 'notifier_missed_total',
      help: 'Reminders recorded as missed (due longer ago than the grace window)',
      registers,
    }),
    lagSeconds: new Histogram({
      name: 'notifier_delivery_lag_seconds',
      help: 'From the due time to the delivery',
      labelNames: ['channel'],
      buckets: [0.1, 0.5, 1, 2, 5, 15, 60, 300, 900],
      registers,
    }),
    planned: new Counter({
      name: 'notifier_docs_planned_total',
      help: 'Doc snapshots turned into reminders',
      registers,
    }),
    scheduled: new Gauge({
      name: 'notifier_reminders',
      help: 'Reminders in the schedule by state (pending = due or waiting)',
      labelNames: ['state'],
      registers,
      async collect() {
        // The schedule may be unreachable: keep the last values then.
        const counts = await schedule.countByState().catch(() => undefined)
        if (!counts) return
        for (const [state, count] of Object.entries(counts) as [ReminderState, number][]) {
          this.set({ state }, count)
        }
      },
    }),
  }
}
