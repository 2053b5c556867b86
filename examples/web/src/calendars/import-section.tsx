// Importing an .ics file (an export from Google, Apple or Outlook) into the
// calendar's local replica: all or nothing, shared when the replica syncs,
// so it works offline too. Editors and owners only.
import type { Calendar, IcsImportResult } from '@plansync/client-sdk'
import { useCalendar } from '@plansync/client-sdk/react'
import { type FormEvent, useId, useRef, useState } from 'react'
import { ErrorText } from '../ui/error-text.tsx'
import { Problem } from '../ui/errors.ts'
import { useAction } from '../ui/use-action.ts'

export function ImportSection(props: { calendar: Calendar }) {
  const { calendar } = props
  const headingId = useId()
  const { handle, error: openError } = useCalendar(calendar.id)
  const fileInput = useRef<HTMLInputElement>(null)
  const [file, setFile] = useState<File | null>(null)
  const [result, setResult] = useState<{ name: string; counts: IcsImportResult } | null>(null)

  const importFile = useAction(async (chosen: File) => {
    if (!handle) throw new Problem('The calendar is still opening. Try again in a moment.')
    const text = await chosen.text()
    setResult({ name: chosen.name, counts: handle.importIcs(text) })
  })
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault()
    setResult(null)
    if (!file) return
    if (await importFile.run(file)) {
      setFile(null)
      if (fileInput.current) fileInput.current.value = ''
    }
  }

  return (
    <section className="card settings-card" aria-labelledby={headingId}>
      <h2 id={headingId}>Import an .ics file</h2>
      <p>
        Bring in events exported from Google, Apple or Outlook calendars. Repeating events, moved
        occurrences and all-day events come along; reminders in the file do not. Importing the same
        file again updates its events instead of adding them twice. This works offline too.
      </p>
      <form onSubmit={onSubmit} className="import-form">
        <label>
          Calendar file (.ics)
          <input
            ref={fileInput}
            type="file"
            name="icsFile"
            accept=".ics,text/calendar"
            required
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null)
              setResult(null)
              importFile.reset()
            }}
          />
        </label>
        <button type="submit" className="primary" disabled={!file || !handle || importFile.busy}>
          {importFile.busy ? 'Importing…' : `Import into ${calendar.name}`}
        </button>
      </form>
      <ErrorText error={openError} />
      <ErrorText error={importFile.error} />
      <p role="status" className="import-result" data-testid="import-result">
        {result && describeImport(result.name, result.counts)}
      </p>
    </section>
  )
}

function describeImport(name: string, counts: IcsImportResult): string {
  const parts = [
    counts.created > 0 && plural(counts.created, 'new event'),
    counts.updated > 0 && `${plural(counts.updated, 'event')} updated`,
    counts.unchanged > 0 && `${plural(counts.unchanged, 'event')} already up to date`,
  ].filter((part): part is string => typeof part === 'string')
  if (parts.length === 0) return `Imported ${name}: the file has no events.`
  return `Imported ${name}: ${parts.join(', ')}.`
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}
