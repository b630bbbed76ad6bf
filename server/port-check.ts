// Before `npm start` loads anything heavy (DuckDB, the demo generator, a first refresh that may
// take a minute), find out whether the port can be listened on, so a taken port is said at once.
import net from 'node:net';

export type PortState = 'free' | 'taken' | 'denied';

/** Tries to listen on the port (all interfaces, as Express does) and lets go at once. */
export function checkPort(port: number, host?: string): Promise<PortState> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') resolve('taken');
      else if (error.code === 'EACCES') resolve('denied');
      else reject(error);
    });
    probe.listen({ port, ...(host ? { host } : {}), exclusive: true }, () => probe.close(() => resolve('free')));
  });
}
