/** `Vary` is built up by several steps of one response (CORS, Prefer, errors): each appends, none overwrites. */
import type { FastifyReply } from 'fastify';

/** Appends header names to Vary, skipping those already listed (case-insensitively). */
export function addVary(reply: FastifyReply, ...names: string[]): void {
  const current = reply.getHeader('vary');
  if (current === undefined) {
    reply.header('vary', names.join(', '));
    return;
  }
  const text = Array.isArray(current) ? current.join(', ') : String(current);
  const have = text.toLowerCase().split(',');
  for (let i = 0; i < have.length; i++) have[i] = have[i].trim();
  let out = text;
  for (const name of names) {
    if (have.includes(name.toLowerCase())) continue;
    out = out.trim() === '' ? name : `${out}, ${name}`;
    have.push(name.toLowerCase());
  }
  if (out !== text) reply.header('vary', out);
}
