// Fixed-width text tables: the first column left-aligned, the others right-aligned.

export function formatTable(
  title: string,
  headers: readonly string[],
  rows: readonly string[][],
): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  )
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? 0
        return column === 0 ? cell.padEnd(width) : cell.padStart(width)
      })
      .join('  ')
      .trimEnd()
  const rule = widths.map((width) => '-'.repeat(width)).join('  ')
  return [title, line(headers), rule, ...rows.map(line)].join('\n')
}

/** Fixed decimals, or a dash for a missing value. */
export function formatNumber(value: number | undefined, decimals = 0): string {
  return value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(decimals)
}

export function formatMegabytes(bytes: number | undefined): string {
  return bytes === undefined ? '-' : formatNumber(bytes / 1024 / 1024, 1)
}
