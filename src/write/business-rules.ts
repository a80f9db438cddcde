/**
 * The business-rules step of the write pipeline (docs/rules.md): every rule of the resource that
 * applies to this kind of write is evaluated on the record as it would be stored; each broken rule
 * is one BUSINESS_RULE_VIOLATED problem. A rule whose evaluation fails (`null > 0`) is broken.
 */
import type { Problem } from '../errors/api-error.js';
import { celRecord, type ExpressionCaller, evaluate } from '../model/expressions/cel-environment.js';
import type { ResourceDef, WriteKind } from '../model/model-types.js';
import type { Row } from '../store/store.js';

export interface RuleInput {
  kind: WriteKind;
  /** The record after the write (for a delete, the record deleted). */
  record: Row;
  previous: Row | undefined;
  caller: ExpressionCaller | null;
  now?: Date;
}

/** One problem per broken rule, in declaration order; empty when every rule holds. */
export function brokenRules(r: ResourceDef, input: RuleInput): Problem[] {
  const problems: Problem[] = [];
  const rules = r.rules.filter((rule) => rule.on.includes(input.kind));
  if (!rules.length) return problems;
  const vars = {
    record: celRecord(r, input.record),
    previous: celRecord(r, input.previous),
    caller: input.caller,
    now: input.now ?? new Date(),
  };
  const id = input.record.id ?? input.previous?.id;
  const which = id === undefined || id === null ? `a new ${r.name} record` : `${r.name}/${String(id)}`;
  for (const rule of rules) {
    const outcome = evaluate(rule.check, vars);
    if (outcome.ok && outcome.value) continue;
    problems.push({
      code: 'BUSINESS_RULE_VIOLATED',
      internalMessage: `${which} breaks rule ${rule.name} (${rule.check.source})${outcome.ok ? '' : `: ${outcome.error}`}`,
      rule: rule.name,
      vars: { rule: rule.name },
      ...(rule.message ? { text: rule.message } : {}),
    });
  }
  return problems;
}
