// Entry point of the child process that runs a stock Hocuspocus server (no extensions).
// Env: HOST, PORT. Exits on SIGTERM (Hocuspocus installs the signal handlers itself).

interface HocuspocusServer {
  listen(): Promise<unknown>
}

interface HocuspocusModule {
  Server: new (configuration: { port: number; address: string; quiet: boolean }) => HocuspocusServer
}

// A computed specifier keeps tsc from resolving the package through the repo's
// `source` condition to Hocuspocus' own .ts sources, which do not pass our
// strict compiler options; at run time Node loads its built ESM bundle.
const packageName: string = '@hocuspocus/server'
const { Server } = (await import(packageName)) as HocuspocusModule

const server = new Server({
  port: Number(process.env.PORT ?? '0'),
  address: process.env.HOST ?? '127.0.0.1',
  quiet: true,
})
await server.listen()
