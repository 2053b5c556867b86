// Placeholder: being built.
export function EventPage() {
  return (
    <section className="page">
      <h1>Coming soon</h1>
    </section>
  )
}
