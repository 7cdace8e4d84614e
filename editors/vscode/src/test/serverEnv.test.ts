import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { serverEnvironment } from '../serverEnv';

describe('serverEnvironment', () => {
  it('keeps the host environment and sets SPECLS_LOG from the log level', () => {
    const { env, problems } = serverEnvironment({ PATH: '/bin', HOME: undefined }, 'debug', {});
    assert.deepEqual(env, { PATH: '/bin', SPECLS_LOG: 'debug' });
    assert.deepEqual(problems, []);
  });

  it('leaves SPECLS_LOG alone at the default level', () => {
    assert.deepEqual(serverEnvironment({ SPECLS_LOG: 'info' }, 'warning', undefined).env, { SPECLS_LOG: 'info' });
    assert.deepEqual(serverEnvironment({}, undefined, undefined).env, {});
  });

  it('puts extraEnv on top, and reports what is not a string', () => {
    const { env, problems } = serverEnvironment({ A: '1' }, 'info', { A: '2', SPECLS_LOG: 'trace', N: 3 });
    assert.deepEqual(env, { A: '2', SPECLS_LOG: 'trace' });
    assert.deepEqual(problems, ['Ignoring specls.server.extraEnv.N = 3: not a string.']);
  });

  it('reports an unknown level and an extraEnv that is no object', () => {
    const { env, problems } = serverEnvironment({}, 'loud', ['x']);
    assert.deepEqual(env, {});
    assert.equal(problems.length, 2);
    assert.match(problems[0], /specls\.server\.logLevel = "loud"/);
    assert.match(problems[1], /specls\.server\.extraEnv/);
  });
});
