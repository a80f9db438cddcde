/** Problems that belong to no field (business rules, conflicts, access), in the user's language. */
import type { ApiProblem } from './api.js';

export function Banner({ problems, kind = 'error' }: { problems: ApiProblem[]; kind?: 'error' | 'info' }) {
  if (!problems.length) return null;
  return (
    <div class={`banner ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {problems.map((p, i) => (
        <p key={i}>
          {p.userMessage ?? p.code}
          {p.code && kind === 'error' ? <span class="code"> ({p.code})</span> : null}
        </p>
      ))}
    </div>
  );
}

export function Notice({ text }: { text: string }) {
  return (
    <div class="banner info" role="status">
      <p>{text}</p>
    </div>
  );
}
