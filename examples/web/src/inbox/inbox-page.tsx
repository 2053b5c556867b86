// Placeholder: being built.
export function InboxPage() {
  return (
    <section className="page">
      <h1>Coming soon</h1>
    </section>
  )
}
