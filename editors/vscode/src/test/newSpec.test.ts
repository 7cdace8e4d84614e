import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { BUILTIN_TEMPLATES, newSpecArguments, specFileName, templatesFromServer } from '../newSpec';

describe('templatesFromServer', () => {
  it('reads the server list', () => {
    assert.deepEqual(
      templatesFromServer([
        { name: 'feature-spec', description: 'Feature' },
        { name: 'rfc', description: 'Team RFC' },
        { name: 'adr' },
      ]),
      [
        { name: 'feature-spec', description: 'Feature' },
        { name: 'rfc', description: 'Team RFC' },
        { name: 'adr', description: '' },
      ],
    );
  });

  it('refuses answers that are not a list of named templates', () => {
    for (const answer of [null, undefined, {}, 'feature-spec', [], [{ description: 'x' }], [null], [{ name: '' }]]) {
      assert.equal(templatesFromServer(answer), undefined, JSON.stringify(answer));
    }
  });

  it('has both built-in templates as the fall-back', () => {
    assert.deepEqual(
      BUILTIN_TEMPLATES.map((t) => t.name),
      ['feature-spec', 'design-doc'],
    );
  });
});

describe('specFileName', () => {
  it('adds .md and normalises separators', () => {
    assert.deepEqual(specFileName(' specs\\auth/login '), { ok: true, relativePath: 'specs/auth/login.md' });
    assert.deepEqual(specFileName('./refunds.md'), { ok: true, relativePath: 'refunds.md' });
    assert.deepEqual(specFileName('v1.2-plan.MD'), { ok: true, relativePath: 'v1.2-plan.MD' });
  });

  it('refuses empty names, folders, other extensions and paths out of the workspace', () => {
    for (const input of ['', '   ', 'specs/', '../outside.md', 'a/../../b.md', '/etc/spec.md', 'C:\\spec.md', 'notes.txt']) {
      assert.equal(specFileName(input).ok, false, input);
    }
  });
});

describe('newSpecArguments', () => {
  it('is one object with the template and the file URI', () => {
    assert.deepEqual(newSpecArguments('design-doc', 'file:///w/docs/search.md'), [
      { template: 'design-doc', uri: 'file:///w/docs/search.md' },
    ]);
  });
});
