/** `webhooks:` (docs/webhooks.md): what a valid entry becomes, and each mistake located by path and line. */
import { describe, expect, it } from 'vitest';
import { buildModel, ConfigError, parseConfigText } from '../../src/model/index.js';
import { isPrivateAddress } from '../../src/model/webhooks-config.js';

const RESOURCES = `resources:
  orders:
    fields: { title: string }
`;
const build = (top: string) => buildModel(parseConfigText(`${RESOURCES}${top}`, 'verbo.yaml'));

function problemsOf(top: string) {
  try {
    build(top);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems.map((p) => `${p.line} ${p.path.join('.')}: ${p.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('webhooks config', () => {
  it('reads an entry, with defaults, and adds the delivery tables', () => {
    const m = build(
      'webhooks:\n  - { url: "https://hooks.example.com/x", events: [orders.created, orders.deleted], secretEnv: WEBHOOK_SECRET }\n',
    );
    expect(m.webhooks).toEqual([
      {
        name: 'https://hooks.example.com/x',
        url: 'https://hooks.example.com/x',
        events: ['orders.created', 'orders.deleted'],
        secretEnv: 'WEBHOOK_SECRET',
        allowPrivateTargets: false,
        timeoutSeconds: 10,
      },
    ]);
    expect(m.internal?.map((r) => r.name)).toEqual([
      '_verbo_webhook_cursors',
      '_verbo_webhook_deliveries',
      '_verbo_webhook_attempts',
    ]);
    expect(build('').webhooks).toBeUndefined();
  });

  it('reports bad URLs, unknown resources and events, missing secrets and unknown keys at their line', () => {
    expect(
      problemsOf(`webhooks:
  - url: ftp://example.com/x
    events: [orders.created]
    secretEnv: S
  - url: https://example.com/x
    events: [order.created, orders.archived]
    secretEnv: S
  - url: https://example.com/y
    events: [orders.created]
    colour: red
  - url: http://10.1.2.3/hook
    events: [orders.created]
    secretEnv: S
  - url: http://localhost:8080/hook
    events: []
    secretEnv: S
`),
    ).toEqual([
      '5 webhooks.0.url: must be an absolute http:// or https:// URL without credentials, e.g. https://hooks.example.com/verbo',
      '9 webhooks.1.events.0: unknown resource in "order.created" (resources: orders)',
      '9 webhooks.1.events.1: unknown event "orders.archived" (expected orders.created, orders.updated, orders.deleted)',
      '11 webhooks.2.secretEnv: must name the environment variable holding the signing secret, e.g. WEBHOOK_SECRET',
      '13 webhooks.2.colour: unknown key (expected one of name, url, events, secretEnv, allowPrivateTargets, timeoutSeconds)',
      '14 webhooks.3.url: 10.1.2.3 is a private or loopback address: refused unless allowPrivateTargets: true',
      '18 webhooks.4.events: must be a non-empty list of events such as orders.created, orders.updated, orders.deleted',
    ]);
    expect(problemsOf('webhooks: { url: x }\n')).toEqual([
      '4 webhooks: must be a list of { url, events, secretEnv }',
    ]);
  });

  it('allowPrivateTargets: true admits private and loopback targets', () => {
    const m = build(
      'webhooks:\n  - { url: "http://127.0.0.1:9/x", events: [orders.updated], secretEnv: S, allowPrivateTargets: true }\n',
    );
    expect(m.webhooks?.[0].allowPrivateTargets).toBe(true);
  });

  it('knows private, loopback, link-local and mapped addresses', () => {
    for (const a of [
      '127.0.0.1',
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.169.254',
      '0.0.0.0',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '100.64.0.1',
    ])
      expect(isPrivateAddress(a), a).toBe(true);
    for (const a of ['8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8', 'fdexample.com'])
      expect(isPrivateAddress(a), a).toBe(false);
  });
});
