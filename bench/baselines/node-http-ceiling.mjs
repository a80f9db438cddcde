/**
 * The ceiling: bare node:http answering every request with one fixed JSON body the size of a
 * customer as verbo sends it. Nothing a real API could beat on this machine.
 *
 *   node bench/baselines/node-http-ceiling.mjs --port N
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { customerRow } from '../lib/bench-data.mjs';

const { values: args } = parseArgs({ options: { port: { type: 'string' } } });
const body = Buffer.from(JSON.stringify(customerRow(4242)));
const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length };

const server = createServer((req, res) => {
  // Bodies of POST and PATCH are read and dropped, as any server must read them.
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(200, headers);
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(args.port ?? 3002), '127.0.0.1', () => console.log(`ceiling listening on ${args.port}`));
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
