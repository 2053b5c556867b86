// A table with one row per server plus ratio rows: ours ÷ each reference, column by column.
import type { ServerId } from '../servers/targets.ts'
import { formatNumber, formatTable } from './table.ts'

export type Cell = number | string | undefined

export interface Column<Row> {
  header: string
  value(row: Row): Cell
  decimals?: number
  /** Whether a ratio row makes sense for this column (numbers of the same unit). */
  ratio?: boolean
}

export interface ServerRow<Row> {
  id: ServerId
  label: string
  row?: Row
  /** Shown instead of the values when the scenario did not produce a row. */
  note?: string
}

const REFERENCES: readonly ServerId[] = ['ywebsocket', 'hocuspocus']

export function formatComparison<Row>(
  title: string,
  columns: readonly Column<Row>[],
  servers: readonly ServerRow<Row>[],
): string {
  const headers = ['server', ...columns.map((column) => column.header)]
  const rows = servers.map(({ label, row, note }) =>
    row === undefined
      ? [label, note ?? 'failed', ...columns.slice(1).map(() => '')]
      : [label, ...columns.map((column) => formatCell(column.value(row), column.decimals))],
  )
  const ours = servers.find((server) => server.id === 'ours')?.row
  for (const referenceId of REFERENCES) {
    const reference = servers.find((server) => server.id === referenceId)
    if (reference === undefined) continue
    rows.push([
      `ours ÷ ${referenceId}`,
      ...columns.map((column) => formatRatio(column, ours, reference.row)),
    ])
  }
  return formatTable(title, headers, rows)
}

function formatCell(value: Cell, decimals = 0): string {
  return typeof value === 'number' ? formatNumber(value, decimals) : (value ?? '-')
}

function formatRatio<Row>(column: Column<Row>, ours?: Row, reference?: Row): string {
  if (!column.ratio) return ''
  if (ours === undefined || reference === undefined) return 'n/a'
  const mine = column.value(ours)
  const theirs = column.value(reference)
  if (typeof mine !== 'number' || typeof theirs !== 'number' || theirs === 0) return 'n/a'
  return `${(mine / theirs).toFixed(2)}×`
}
