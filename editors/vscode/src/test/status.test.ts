import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { presentStatus } from '../status';

describe('presentStatus', () => {
  it('shows indexing progress while the server reports it', () => {
    const shown = presentStatus({ kind: 'running', progress: { title: 'Indexing', message: '120/480 files', percentage: 25.4 } });
    assert.equal(shown.text, '$(sync~spin) specls: Indexing 120/480 files 25%');
    assert.equal(shown.error, false);
  });

  it('marks a stopped or missing server as an error', () => {
    assert.equal(presentStatus({ kind: 'stopped' }).error, true);
    assert.equal(presentStatus({ kind: 'missing' }).error, true);
    assert.equal(presentStatus({ kind: 'running', version: '0.1.0' }).text, '$(check) specls');
    assert.match(presentStatus({ kind: 'running', version: '0.1.0' }).tooltip, /0\.1\.0/);
  });

  it('says how to start a server the user stopped or turned off, without an alarm', () => {
    for (const kind of ['stopped-by-user', 'disabled'] as const) {
      const shown = presentStatus({ kind });
      assert.equal(shown.error, false, kind);
      assert.match(shown.tooltip, /specls: Start Server/, kind);
    }
  });
});
