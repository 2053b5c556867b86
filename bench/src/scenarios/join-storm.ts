// Scenario 4: many clients join one doc at the same moment; time until each has its step 2.
import type { ConnectResult } from '../load/worker-protocol.ts'
import type { ProcessWindow } from '../metrics/process-meter.ts'
import { type ScenarioContext, spreadEndpoints } from './context.ts'

export interface JoinStormResult {
  connect: ConnectResult
  server: ProcessWindow
}

const GROUP = 'storm'

export async function runJoinStorm(context: ScenarioContext): Promise<JoinStormResult> {
  const { server, worker } = context
  const { clients } = context.profile.joinStorm
  const endpoints = spreadEndpoints(server, 'storm', 1, clients)
  const meter = context.meterServer()
  try {
    const connect = await worker.run({
      type: 'connect',
      group: GROUP,
      dialect: server.target.dialect,
      endpoints,
      timeoutMs: context.profile.connectTimeoutMs,
    })
    return { connect, server: meter.stop() }
  } finally {
    meter.stop()
    await worker.run({ type: 'close', group: GROUP })
  }
}
