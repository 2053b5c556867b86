// The client for a React tree: one PlansyncClient, made by the app, shared
// by every hook below the provider.
import { createContext, createElement, type ReactNode, useContext } from 'react'
import type { PlansyncClient } from '../client.ts'

const ClientContext = createContext<PlansyncClient | null>(null)

export function PlansyncProvider(props: { client: PlansyncClient; children?: ReactNode }) {
  return createElement(ClientContext.Provider, { value: props.client }, props.children)
}

/** The client of the nearest PlansyncProvider; throws outside one. */
export function usePlansyncClient(): PlansyncClient {
  const client = useContext(ClientContext)
  if (!client) throw new Error('usePlansyncClient: wrap the app in <PlansyncProvider client={...}>')
  return client
}
