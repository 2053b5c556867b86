// Public surface of the notifier; each part adds its exports here.
export {}
