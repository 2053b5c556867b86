// "Typing" as presence: set while the user types in the notes editor, and
// cleared a few seconds after the last keystroke or when the editor loses
// focus, so other people see "Ann is typing…" only while it is true.
import type { Presence } from '@plansync/client-sdk'

export const TYPING_IDLE_MS = 3000

export interface TypingActivity {
  /** The user changed the notes just now. */
  typed(): void
  /** The user stopped (blur, page left). */
  stop(): void
}

export function createTypingActivity(presence: Presence, idleMs = TYPING_IDLE_MS): TypingActivity {
  let timer: ReturnType<typeof setTimeout> | undefined
  let active = false
  const stop = () => {
    clearTimeout(timer)
    if (!active) return
    active = false
    presence.setActivity(null)
  }
  return {
    typed() {
      if (!active) {
        active = true
        presence.setActivity({ editing: 'notes' })
      }
      clearTimeout(timer)
      timer = setTimeout(stop, idleMs)
    },
    stop,
  }
}

/** "Ann is typing…", "Ann and Bob are typing…", "Ann, Bob and 2 others are typing…". */
export function describeTyping(names: readonly string[]): string {
  const [first, second] = names
  if (first === undefined) return ''
  if (second === undefined) return `${first} is typing…`
  if (names.length === 2) return `${first} and ${second} are typing…`
  const others = names.length - 2
  return `${first}, ${second} and ${others} ${others === 1 ? 'other' : 'others'} are typing…`
}
