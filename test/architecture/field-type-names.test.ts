/**
 * Only the field type modules (`src/model/field-types/`) and the registry (`src/model/field-registry.ts`)
 * know what a particular type does (docs/architecture.md, "Adding a field type"). Everywhere else asks
 * the field's type: this test fails when a file imports one type's module, or branches on a type
 * name (a `switch` over it, a comparison with a literal, a table indexed by it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));
const ALLOWED = ['model/field-types/', 'model/field-registry.ts'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** An expression that holds a field type's name: `x.type.name`, `idType`, `typeName`. */
const TYPE_NAME = String.raw`(?:\btype\.name|\bidType|\btypeName)`;

const RULES: { what: string; pattern: RegExp }[] = [
  { what: "imports a field type's module", pattern: /from\s+['"][^'"]*field-types\/[^'"]*['"]/g },
  {
    what: 'switches on a type name',
    pattern: new RegExp(String.raw`switch\s*\([^)]*${TYPE_NAME}[^)]*\)`, 'g'),
  },
  {
    what: 'compares a type name with a literal',
    pattern: new RegExp(
      String.raw`${TYPE_NAME}\s*[!=]==?\s*['"\`]|['"\`]\s*[!=]==?\s*[\w.?]*${TYPE_NAME}`,
      'g',
    ),
  },
  {
    what: 'looks a table up by a type name',
    pattern: new RegExp(String.raw`\[\s*[\w.?]*${TYPE_NAME}\s*\]`, 'g'),
  },
];

/** Every breach in `text`, as `rule: matched text`. */
function breaches(text: string): string[] {
  return RULES.flatMap((r) => [...text.matchAll(r.pattern)].map((m) => `${r.what}: ${m[0]}`));
}

describe('field type names stay inside the field types', () => {
  it('the rules catch what they are meant to catch', () => {
    expect(breaches("import { isUuid } from '../../model/field-types/uuid-field.js';")).toHaveLength(1);
    expect(breaches("switch (f.type.name) { case 'uuid': }")).toHaveLength(1);
    expect(breaches("if (f.type.name === 'json') return;")).toHaveLength(1);
    expect(breaches("r.idType !== 'integer' ? a : b")).toHaveLength(1);
    expect(breaches('const schema = ID_PARAM[r.idType];')).toHaveLength(1);
    expect(breaches("if (f.storage === 'json') return; switch (schema.type) {}")).toEqual([]);
  });

  it('no file outside src/model/field-types/ and the registry names a specific type', () => {
    const found: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const rel = relative(SRC, file).split('\\').join('/');
      if (ALLOWED.some((a) => rel.startsWith(a))) continue;
      for (const b of breaches(readFileSync(file, 'utf8'))) found.push(`src/${rel}: ${b}`);
    }
    expect(found).toEqual([]);
  });
});
