/** `admin: { path, enabled }` (docs/admin.md): defaults, and each mistake located by path and line. */
import { describe, expect, it } from 'vitest';
import { buildModel, ConfigError, parseConfigText } from '../../src/model/index.js';

const RESOURCES = `resources:
  customers:
    movedFrom: [clients]
    fields: { name: string }
`;
const build = (top: string) => buildModel(parseConfigText(`${top}${RESOURCES}`, 'verbo.yaml'));

function problemsOf(top: string) {
  try {
    build(top);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems.map((p) => ({
      path: p.path.join('.'),
      line: p.line,
      message: p.message,
    }));
  }
  throw new Error('expected a ConfigError');
}

describe('admin config', () => {
  it('defaults to /_admin, enabled left to the environment (on unless production)', () => {
    expect(build('').admin).toEqual({ path: '/_admin' });
    expect(build('admin: { path: /console/data, enabled: false }\n').admin).toEqual({
      path: '/console/data',
      enabled: false,
    });
  });

  it('reports bad values and unknown keys with their line', () => {
    expect(problemsOf('admin:\n  path: admin/\n  enabled: yes please\n  theme: dark\n')).toEqual([
      { path: 'admin.path', line: 2, message: 'must look like /_admin (leading slash, no trailing slash)' },
      { path: 'admin.enabled', line: 3, message: 'must be true or false' },
      { path: 'admin.theme', line: 4, message: 'unknown key (expected one of path, enabled)' },
    ]);
    expect(problemsOf('admin: on\n')).toEqual([
      { path: 'admin', line: 1, message: 'must be a mapping { path: /_admin, enabled: true|false }' },
    ]);
  });

  it('refuses a path a resource (or a former name of one) or a built-in route already serves', () => {
    const taken = (path: string, base = '') => problemsOf(`${base}admin: { path: ${path} }\n`);
    expect(taken('/customers')[0]).toMatchObject({ path: 'admin.path', line: 1 });
    expect(taken('/customers')[0].message).toContain('resource customers');
    expect(taken('/clients/admin')[0].message).toContain('resource customers');
    expect(taken('/api/customers', 'basePath: /api\n')[0].message).toContain('resource customers');
    expect(taken('/docs')[0].message).toContain('built-in docs');
    expect(taken('/openapi.json')[0].message).toContain('built-in openapi.json');
    // Not under basePath: /customers is free when resources live under /api.
    expect(build('basePath: /api\nadmin: { path: /customers }\n').admin.path).toBe('/customers');
  });
});
