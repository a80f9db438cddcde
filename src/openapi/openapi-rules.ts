/**
 * Business rules in the document (docs/rules.md): each write operation names the rules it is
 * checked against (`x-verbo-rules`, and a line of its description), which answer 400
 * BUSINESS_RULE_VIOLATED when broken.
 */
import type { AccessAction } from '../model/access-rules.js';
import type { ResourceDef, RuleDef } from '../model/model-types.js';

const describe = (rule: RuleDef) => ({
  name: rule.name,
  check: rule.check.source,
  on: rule.on,
  ...(rule.message ? { message: rule.message } : {}),
});

/** The rules an operation of these actions runs (a PUT may create or update). */
export function rulesOf(r: ResourceDef, actions: readonly AccessAction[]): RuleDef[] {
  return r.rules.filter((rule) => rule.on.some((kind) => actions.includes(kind)));
}

/** `x-verbo-rules` and the description line of an operation, or nothing when no rule applies. */
export function rulesExtension(r: ResourceDef, actions: readonly AccessAction[], description: string) {
  const rules = rulesOf(r, actions);
  if (!rules.length) return { description };
  const list = rules.map((rule) => `\`${rule.name}\` (\`${rule.check.source}\`)`).join(', ');
  return {
    description: `${description} Business rules (400 \`BUSINESS_RULE_VIOLATED\`, one entry per broken rule): ${list}.`,
    'x-verbo-rules': rules.map(describe),
  };
}
