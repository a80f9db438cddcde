/** Lints an OpenAPI document as a user would: the 3.1 JSON Schema validator, then Spectral (oas + OWASP). */
import { Validator } from '@seriousme/openapi-schema-validator';
import { Document, Spectral } from '@stoplight/spectral-core';
import owaspRuleset from '@stoplight/spectral-owasp-ruleset';
import { Json } from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';

export interface LintFinding {
  rule: string;
  severity: 'error' | 'warning' | 'info' | 'hint';
  path: string;
  message: string;
}

const SEVERITY = ['error', 'warning', 'info', 'hint'] as const;

/** Errors of the official OpenAPI JSON Schema for the document's version (empty when valid). */
export async function schemaErrors(doc: object): Promise<{ version: string; errors: unknown[] }> {
  const validator = new Validator();
  const res = await validator.validate(structuredClone(doc) as Parameters<Validator['validate']>[0]);
  return { version: validator.version, errors: res.valid ? [] : ((res.errors as unknown[]) ?? ['invalid']) };
}

/** Every Spectral finding with the stock `spectral:oas` and OWASP rulesets (all their default rules). */
export async function spectralFindings(doc: object): Promise<LintFinding[]> {
  const spectral = new Spectral();
  const owasp = (owaspRuleset as { default?: unknown }).default ?? owaspRuleset;
  spectral.setRuleset({ extends: [oas, owasp] } as never);
  const results = await spectral.run(new Document(JSON.stringify(doc, null, 2), Json, 'openapi.json'));
  return results.map((r) => ({
    rule: String(r.code),
    severity: SEVERITY[r.severity] ?? 'hint',
    path: r.path.join('.'),
    message: r.message,
  }));
}
