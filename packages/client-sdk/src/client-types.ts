import type { LocalStore } from './storage/types.ts'

export type StoreLike = Pick<
  LocalStore,
  'load' | 'append' | 'replace' | 'loadConfirmed' | 'saveConfirmed'
>
