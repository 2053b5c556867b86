// Placeholder: being built.
export function CalendarSettingsPage() {
  return (
    <section className="page">
      <h1>Coming soon</h1>
    </section>
  )
}
