// Readers never throw on bad stored data: a malformed or hostile value is
// skipped and reported through this callback, as an event the app may log.
// Writers validate their input and throw a SchemaError instead, so bad data
// never enters a doc through the SDK.

export interface SchemaIssue {
  /** Where in the doc, e.g. `events.e1.start`. */
  path: string
  reason: string
}

export type IssueReporter = (issue: SchemaIssue) => void

export const ignoreIssues: IssueReporter = () => {}

export class SchemaError extends Error {
  readonly path: string

  constructor(path: string, reason: string) {
    super(`${path}: ${reason}`)
    this.name = 'SchemaError'
    this.path = path
  }
}
