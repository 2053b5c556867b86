// Roles in words, for lists and choices.
import type { Calendar } from '@plansync/client-sdk'

export const ROLE_NAMES: Record<Calendar['role'], string> = {
  owner: 'Owner',
  editor: 'Editor',
  viewer: 'Viewer',
}

export const ROLE_MEANINGS: Record<Calendar['role'], string> = {
  owner: 'you can change everything here, including who is a member',
  editor: 'you can add and change events, invite people and import',
  viewer: 'you can see the events; ask an owner to make you an editor to change them',
}

/** "You are …" */
export const ROLE_AS: Record<Calendar['role'], string> = {
  owner: 'the owner',
  editor: 'an editor',
  viewer: 'a viewer',
}
