// Placeholder: being built.
export function SettingsPage() {
  return (
    <section className="page">
      <h1>Coming soon</h1>
    </section>
  )
}
