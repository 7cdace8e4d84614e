// package.json is the other half of the settings and commands: these tests keep the two in step.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { COMMANDS, serverCommandsToRegister } from '../commands';
import { LOG_LEVELS } from '../serverEnv';
import { DIAGNOSTIC_CODES, SEVERITY_LEVELS } from '../settings';

interface Manifest {
  main: string;
  icon: string;
  capabilities: {
    untrustedWorkspaces: { supported: boolean | 'limited'; restrictedConfigurations?: string[]; description?: string };
  };
  publisher: string;
  license: string;
  repository: { url: string };
  engines: { vscode: string };
  dependencies: Record<string, string>;
  activationEvents: string[];
  contributes: {
    commands: { command: string; title: string; category: string }[];
    configuration: {
      properties: Record<
        string,
        { type?: unknown; enum?: unknown[]; default?: unknown; scope?: string; description?: string; markdownDescription?: string }
      >;
    };
    yamlValidation: { fileMatch: string; url: string }[];
  };
}

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as Manifest;
const properties = manifest.contributes.configuration.properties;

describe('package.json', () => {
  it('declares a severity setting for each code, unset by default', () => {
    const declared = Object.keys(properties)
      .filter((key) => key.startsWith('specls.severity.'))
      .map((key) => key.slice('specls.severity.'.length));
    assert.deepEqual(declared, [...DIAGNOSTIC_CODES]);
    for (const code of DIAGNOSTIC_CODES) {
      const setting = properties[`specls.severity.${code}`];
      assert.deepEqual(setting.enum, [null, ...SEVERITY_LEVELS], code);
      assert.equal(setting.default, null, code);
      assert.ok(setting.markdownDescription?.includes(code), code);
    }
  });

  it('declares the server path and trace settings with descriptions', () => {
    assert.equal(properties['specls.server.path'].default, '');
    assert.deepEqual(properties['specls.trace.server'].enum, ['off', 'messages', 'verbose']);
    for (const [key, setting] of Object.entries(properties)) {
      assert.ok(setting.description ?? setting.markdownDescription, `${key} has a description`);
    }
  });

  it('declares enable, the log level and extra environment of the server', () => {
    assert.equal(properties['specls.enable'].type, 'boolean');
    assert.equal(properties['specls.enable'].default, true);
    assert.deepEqual(properties['specls.server.logLevel'].enum, [...LOG_LEVELS]);
    assert.equal(properties['specls.server.logLevel'].default, 'warning');
    assert.equal(properties['specls.server.extraEnv'].type, 'object');
    assert.deepEqual(properties['specls.server.extraEnv'].default, {});
  });

  it('runs in Restricted Mode, with the settings that choose what to start from the user only', () => {
    const untrusted = manifest.capabilities.untrustedWorkspaces;
    assert.equal(untrusted.supported, 'limited');
    assert.deepEqual(untrusted.restrictedConfigurations, ['specls.server.path', 'specls.server.extraEnv']);
    for (const key of untrusted.restrictedConfigurations ?? []) {
      assert.ok(properties[key], key);
    }
  });

  it('has its icon', () => {
    assert.match(manifest.icon, /\.png$/);
    assert.ok(existsSync(join(__dirname, '..', '..', manifest.icon)), manifest.icon);
  });

  it('contributes exactly the commands the extension registers', () => {
    assert.deepEqual(
      manifest.contributes.commands.map((c) => c.command).sort(),
      Object.values(COMMANDS).sort(),
    );
    for (const command of manifest.contributes.commands) {
      assert.equal(command.category, 'specls');
    }
  });

  it('validates .specls.yaml with the copied schema', () => {
    assert.deepEqual(manifest.contributes.yamlValidation, [
      { fileMatch: '.specls.yaml', url: './schemas/specls.schema.json' },
    ]);
  });

  it('is publishable: publisher, license of the workspace, repository, bundled entry point', () => {
    assert.equal(manifest.publisher, 'specls');
    assert.equal(manifest.license, 'MIT OR Apache-2.0');
    assert.ok(manifest.repository.url);
    assert.equal(manifest.main, './dist/extension.js');
    assert.match(manifest.dependencies['vscode-languageclient'], /^\^9\./);
    assert.ok(manifest.activationEvents.includes('onLanguage:markdown'));
  });
});

describe('serverCommandsToRegister', () => {
  it('leaves out the commands the extension owns', () => {
    assert.deepEqual(serverCommandsToRegister(['specls.newSpec', 'specls.listTemplates', 'specls.restartServer']), [
      'specls.listTemplates',
    ]);
  });
});
