import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  configurationSettings,
  DIAGNOSTIC_CODES,
  initializationOptions,
  readSeverityOverrides,
} from '../settings';

describe('severity settings', () => {
  it('keeps only the codes the user set', () => {
    const user: Record<string, unknown> = { 'missing-section': 'warning', 'broken-link': 'off', 'invalid-date': null };
    const { overrides, invalid } = readSeverityOverrides((code) => user[code]);
    assert.deepEqual(overrides, { 'missing-section': 'warning', 'broken-link': 'off' });
    assert.deepEqual(invalid, []);
  });

  it('normalises case and white space, and reports values that are no level', () => {
    const user: Record<string, unknown> = { 'section-order': ' Hint ', 'duplicate-id': 'fatal', 'empty-section': 3, 'missing-field': '' };
    const { overrides, invalid } = readSeverityOverrides((code) => user[code]);
    assert.deepEqual(overrides, { 'section-order': 'hint' });
    assert.deepEqual(invalid, [
      { code: 'empty-section', value: 3 },
      { code: 'duplicate-id', value: 'fatal' },
    ]);
  });

  it('asks about every diagnostic code of the contract', () => {
    const asked: string[] = [];
    readSeverityOverrides((code) => {
      asked.push(code);
      return undefined;
    });
    assert.deepEqual(asked, [...DIAGNOSTIC_CODES]);
  });

  it('shapes initializationOptions and didChangeConfiguration settings as the server reads them', () => {
    const overrides = { 'missing-section': 'error', 'dependency-cycle': 'information' } as const;
    assert.deepEqual(initializationOptions(overrides), {
      severity: { 'missing-section': 'error', 'dependency-cycle': 'information' },
    });
    assert.deepEqual(configurationSettings(overrides), {
      specls: { severity: { 'missing-section': 'error', 'dependency-cycle': 'information' } },
    });
    assert.deepEqual(configurationSettings({}), { specls: { severity: {} } });
  });
});
