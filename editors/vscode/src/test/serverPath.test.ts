import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { missingServerMessage, resolveServerPath, type ServerLookup } from '../serverPath';

function lookup(overrides: Partial<ServerLookup>, executables: string[]): ServerLookup {
  return {
    configured: undefined,
    extensionPath: '/ext',
    workspaceFolder: '/work/project',
    homeDir: '/home/zoe',
    pathEnv: '/usr/local/bin:/usr/bin',
    platform: 'linux',
    isExecutable: (file) => executables.includes(file),
    ...overrides,
  };
}

describe('resolveServerPath', () => {
  it('prefers the setting over the bundled binary and PATH', () => {
    const result = resolveServerPath(
      lookup({ configured: '/opt/specls/bin/specls' }, ['/opt/specls/bin/specls', '/ext/server/specls', '/usr/bin/specls']),
    );
    assert.deepEqual(result, { found: true, path: '/opt/specls/bin/specls', source: 'setting' });
  });

  it('uses the bundled binary before PATH', () => {
    const result = resolveServerPath(lookup({}, ['/ext/server/specls', '/usr/bin/specls']));
    assert.deepEqual(result, { found: true, path: '/ext/server/specls', source: 'bundled' });
  });

  it('falls back to the first PATH entry that has specls', () => {
    const result = resolveServerPath(lookup({}, ['/usr/bin/specls']));
    assert.deepEqual(result, { found: true, path: '/usr/bin/specls', source: 'path' });
  });

  it('treats a blank setting as unset', () => {
    const result = resolveServerPath(lookup({ configured: '   ' }, ['/usr/local/bin/specls']));
    assert.deepEqual(result, { found: true, path: '/usr/local/bin/specls', source: 'path' });
  });

  it('reports every place it looked when nothing is found', () => {
    const result = resolveServerPath(lookup({}, []));
    assert.deepEqual(result, {
      found: false,
      reason: 'not-found',
      searched: ['/ext/server/specls', '/usr/local/bin/specls', '/usr/bin/specls'],
    });
    assert.match(missingServerMessage(result), /cargo install --path server\/specls/);
    assert.match(missingServerMessage(result), /specls\.server\.path/);
  });

  it('does not fall back when the configured binary is missing', () => {
    const result = resolveServerPath(lookup({ configured: '/nowhere/specls' }, ['/usr/bin/specls']));
    assert.deepEqual(result, {
      found: false,
      reason: 'configured-missing',
      configured: '/nowhere/specls',
      resolved: '/nowhere/specls',
    });
    assert.match(missingServerMessage(result), /\/nowhere\/specls/);
  });

  it('resolves a relative setting against the workspace folder and ~ against home', () => {
    assert.deepEqual(resolveServerPath(lookup({ configured: 'target/debug/specls' }, ['/work/project/target/debug/specls'])), {
      found: true,
      path: '/work/project/target/debug/specls',
      source: 'setting',
    });
    assert.deepEqual(resolveServerPath(lookup({ configured: '~/.cargo/bin/specls' }, ['/home/zoe/.cargo/bin/specls'])), {
      found: true,
      path: '/home/zoe/.cargo/bin/specls',
      source: 'setting',
    });
  });

  it('looks a bare command name up on PATH', () => {
    const result = resolveServerPath(lookup({ configured: 'specls-nightly' }, ['/usr/bin/specls-nightly']));
    assert.deepEqual(result, { found: true, path: '/usr/bin/specls-nightly', source: 'setting' });
  });

  it('knows Windows paths, PATH separators and the .exe suffix', () => {
    const windows = lookup(
      { platform: 'win32', extensionPath: 'C:\\ext', pathEnv: 'C:\\Windows;C:\\Users\\zoe\\.cargo\\bin', workspaceFolder: 'C:\\work' },
      ['C:\\Users\\zoe\\.cargo\\bin\\specls.exe'],
    );
    assert.deepEqual(resolveServerPath(windows), {
      found: true,
      path: 'C:\\Users\\zoe\\.cargo\\bin\\specls.exe',
      source: 'path',
    });
    assert.deepEqual(resolveServerPath({ ...windows, isExecutable: (f) => f === 'C:\\ext\\server\\specls.exe' }), {
      found: true,
      path: 'C:\\ext\\server\\specls.exe',
      source: 'bundled',
    });
  });
});
