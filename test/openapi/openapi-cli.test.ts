/** `verbo openapi [CONFIG]` through a real process (the built CLI). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../src/errors/error-catalogue.js';
import { buildOpenApi } from '../../src/openapi/openapi-builder.js';
import { runCli } from '../support/cli-harness.js';
import { CRM_CONFIG } from '../support/http-harness.js';
import { LIBRARY_YAML, modelOf } from './openapi-fixtures.js';

describe('verbo openapi', () => {
  it('prints the same document the server answers at /openapi.json', () => {
    const r = runCli(['openapi', CRM_CONFIG]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual([
      '/customers',
      '/customers/{id}',
      '/customers/{id}/avatar',
      '/customers/{id}/orders',
      '/customers/imports',
      '/orders',
      '/orders/{id}',
      '/orders/imports',
      '/jobs/{id}',
      '/batch',
    ]);
    expect(doc.servers[0].description).toContain('local');
  });

  it('reads verbo.yaml from the current directory, and --production names the environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'verbo-openapi-'));
    writeFileSync(join(dir, 'verbo.yaml'), LIBRARY_YAML);
    const r = runCli(['openapi', '--production'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const expected = buildOpenApi(modelOf(LIBRARY_YAML), {
      errorCodes: ERROR_CATALOGUE,
      environment: 'production',
    });
    expect(JSON.parse(r.stdout)).toEqual(expected);
  });

  it('a broken config: the problems on stderr, exit 1; an unknown flag: usage, exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'verbo-openapi-'));
    writeFileSync(join(dir, 'bad.yaml'), 'resources: {}\n');
    const bad = runCli(['openapi', join(dir, 'bad.yaml')]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('resources');
    const flag = runCli(['openapi', '--nope']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('Usage: verbo openapi');
  });
});
