// Picks who does a task: nobody, or a member of the calendar. An assignee
// who has left the calendar stays selectable, named as such.
import type { Members } from './use-members.ts'

export function AssigneeSelect(props: {
  label?: string
  value: string | null
  members: Members
  onChange: (assignee: string | null) => void
  name?: string
  id?: string
}) {
  const { value, members } = props
  const gone = value !== null && members.nameOf(value) === undefined
  return (
    <select
      id={props.id}
      name={props.name}
      aria-label={props.label}
      value={value ?? ''}
      onChange={(e) => props.onChange(e.target.value === '' ? null : e.target.value)}
    >
      <option value="">Nobody</option>
      {gone && <option value={value}>Someone no longer in the calendar</option>}
      {members.list.map((member) => (
        <option key={member.userId} value={member.userId}>
          {member.displayName}
        </option>
      ))}
    </select>
  )
}
