/** `Vary` is built up by several steps of one response (CORS, Prefer, errors): each appends, none overwrites. */
import type { FastifyReply } from 'fastify';

/** Appends header names to Vary, skipping those already listed (case-insensitively). */
export function addVary(reply: FastifyReply, ...names: string[]): void {
  const current = reply.getHeader('vary');
  if (current === undefined) {
    reply.header('vary', names.join(', '));
    return;
  }
  const list = (Array.isArray(current) ? current.join(',') : String(current)).split(',').map((s) => s.trim()).filter(Boolean);
  const have = new Set(list.map((v) => v.toLowerCase()));
  for (const name of names) if (!have.has(name.toLowerCase())) list.push(name);
  reply.header('vary', list.join(', '));
}
