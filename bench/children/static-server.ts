// The HTTP floor: a bare Express app whose only middleware is express.static over a folder of
// saved responses, on a free port of 127.0.0.1. Argument: the folder. Reports its port.
import type { AddressInfo } from 'node:net';
import express from 'express';
import { sendToParent } from '../child.ts';
import type { StaticServerMessage } from './messages.ts';

const dir = process.argv[2];
if (!dir) throw new Error('usage: static-server.ts DIR');
const app = express();
app.use(express.static(dir));
const server = app.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  void sendToParent({ type: 'listening', port } satisfies StaticServerMessage);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
