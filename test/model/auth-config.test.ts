/** Config → model for `auth`, `access`, `rateLimit`, `trustProxy`: rules resolved, every problem reported. */
import { describe, expect, it } from 'vitest';
import { buildModel, ConfigError, parseConfigText } from '../../src/model/index.js';
import { storedResources } from '../../src/model/model-types.js';

const build = (yaml: string) => buildModel(parseConfigText(yaml, 'verbo.yaml'));

function problemsOf(yaml: string): string[] {
  try {
    build(yaml);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems.map((p) => `${p.path.join('.')}@${p.line}: ${p.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('auth and access in the config', () => {
  it('resolves rules: write fills create/update/delete, a specific action overrides it, unset actions are `authenticated`', () => {
    const model = build(`
auth: { registration: open, sessionTtlSeconds: 60, tokenMaxTtlDays: 7, loginLimit: { perAccount: 2 } }
rateLimit: { max: 10, windowSeconds: 1 }
trustProxy: 1
resources:
  orders:
    access: { read: [owner, role:manager], write: owner, delete: role:admin }
    fields: { title: string }
  notes:
    fields: { text: string }
`);
    const orders = model.byName.get('orders')!;
    expect(orders.access).toEqual({
      read: [{ kind: 'owner' }, { kind: 'role', role: 'manager' }],
      create: [{ kind: 'owner' }],
      update: [{ kind: 'owner' }],
      delete: [{ kind: 'role', role: 'admin' }],
    });
    expect(model.byName.get('notes')!.access!.read).toEqual([{ kind: 'authenticated' }]);
    expect(model.auth).toMatchObject({
      registration: 'open',
      sessionTtlSeconds: 60,
      tokenMaxTtlDays: 7,
      passwordMinLength: 8,
      loginLimit: { perAccount: 2, perAddress: 20, windowSeconds: 900 },
    });
    expect(model.rateLimit).toEqual({ max: 10, windowSeconds: 1 });
    expect(model.trustProxy).toBe(1);
    expect(model.resources.map((r) => r.name)).toEqual(['orders', 'notes']);
    expect(storedResources(model).map((r) => r.name)).toEqual([
      'orders',
      'notes',
      '_verbo_users',
      '_verbo_tokens',
    ]);
  });

  it('a rule mentioning owner adds the server-set, indexed ownerId field; others do not', () => {
    const model = build(`
auth: {}
resources:
  orders: { access: { read: authenticated, update: owner }, fields: { title: string } }
  notes: { access: { read: public }, fields: { text: string } }
`);
    const owner = model.byName.get('orders')!.allFields.get('ownerId')!;
    expect(owner).toMatchObject({ system: true, index: true, required: false, storage: 'integer' });
    expect([...model.byName.get('orders')!.allFields.keys()]).toEqual([
      'id',
      'title',
      'createdAt',
      'updatedAt',
      'ownerId',
    ]);
    expect(model.byName.get('notes')!.allFields.has('ownerId')).toBe(false);
    expect(model.auth!.registration).toBe('closed');
  });

  it('without auth: no access rules, no built-in resources, everything public', () => {
    const model = build('resources: { notes: { fields: { text: string } } }');
    expect(model.auth).toBeUndefined();
    expect(model.byName.get('notes')!.access).toBeUndefined();
    expect(storedResources(model)).toEqual(model.resources);
  });

  it('reports every problem with its path and line', () => {
    const problems = problemsOf(`
auth:
  registration: sometimes
  sessionTtlSeconds: -1
  loginLimit: { perAccount: 0, nope: 1 }
  colour: blue
rateLimit: { max: 0 }
trustProxy: maybe
resources:
  auth:
    fields: { x: string }
  orders:
    access:
      read: [owner, role:]
      write: everyone
      publish: public
    fields: { title: string }
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'auth.registration@3: must be open or closed',
        'auth.sessionTtlSeconds@4: must be a positive integer',
        'auth.loginLimit.nope@5: unknown key (expected perAccount, perAddress, windowSeconds)',
        'auth.loginLimit.perAccount@5: must be a positive integer up to 1000',
        expect.stringMatching(/^auth\.colour@6: unknown key/),
        expect.stringMatching(/^rateLimit@7: must be \{ max/),
        expect.stringMatching(/^trustProxy@8: must be true, false/),
        expect.stringMatching(/^resources\.auth@10: the name `auth` is taken/),
        expect.stringMatching(/^resources\.orders\.access\.read\.1@14: unknown access rule \{"role":null\}/),
        expect.stringMatching(/^resources\.orders\.access\.write@15: unknown access rule "everyone"/),
        expect.stringMatching(/^resources\.orders\.access\.publish@16: unknown action/),
      ]),
    );
    expect(problems).toHaveLength(11);
  });

  it('access without auth is refused; ownerId cannot be declared', () => {
    expect(
      problemsOf('resources: { notes: { access: { read: public }, fields: { text: string } } }'),
    ).toEqual([
      expect.stringMatching(/^resources\.notes\.access@1: access rules need a top-level `auth` section/),
    ]);
    expect(problemsOf('auth: {}\nresources: { notes: { fields: { ownerId: integer } } }')[0]).toMatch(
      /ownerId.*set by the server/,
    );
  });
});
