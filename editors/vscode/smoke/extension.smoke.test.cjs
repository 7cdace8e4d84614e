// The bundled extension (dist/extension.js, as packed in the .vsix) activated under Node with
// a stand-in `vscode` module, against the real specls binary of SPECLS_BIN_DIR. VS Code
// itself cannot be fetched here; what these tests prove is that activation, server
// resolution, the language client's handshake, settings and commands work end to end.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const Module = require('node:module');
const os = require('node:os');
const path = require('node:path');
const { afterEach, describe, it } = require('node:test');

const { createVscode } = require('./vscode-stub.cjs');

const root = path.resolve(__dirname, '..');
const bundle = path.join(root, 'dist', 'extension.js');
const binDir = process.env.SPECLS_BIN_DIR;
if (!binDir || !fs.existsSync(path.join(binDir, 'specls'))) {
  throw new Error('set SPECLS_BIN_DIR to the folder of a built specls binary');
}

let currentVscode;
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === 'vscode' ? currentVscode : load.call(this, request, ...rest);
};

const savedPath = process.env.PATH;
let active;
const scratch = [];

function tempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

/** A fresh copy of the bundle, activated in a scratch workspace with this PATH and settings. */
async function activate({ pathEnv, settings = {}, answers = [], extensionPath = tempDir('specls-ext-') }) {
  const workspace = tempDir('specls-ws-');
  const { vscode, recorded } = createVscode({ settings, workspaceFolder: workspace, answers });
  currentVscode = vscode;
  process.env.PATH = pathEnv;
  delete require.cache[bundle];
  const extension = require(bundle);
  active = extension;
  await extension.activate({ subscriptions: [], extensionPath });
  return { extension, recorded, workspace };
}

const output = (recorded) => recorded.output.join('');

async function waitFor(condition, what) {
  for (let i = 0; i < 100; i++) {
    if (condition()) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

afterEach(async () => {
  await active?.deactivate();
  active = undefined;
  process.env.PATH = savedPath;
  for (const dir of scratch.splice(0)) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe('the packaged extension', () => {
  it('starts specls from PATH, and the status bar says it runs', async () => {
    const { recorded } = await activate({ pathEnv: binDir });
    assert.equal(recorded.statusItem.text, '$(check) specls');
    assert.match(recorded.statusItem.tooltip, /specls \d+\.\d+\.\d+: running/);
    assert.match(output(recorded), new RegExp(`Starting ${path.join(binDir, 'specls')} \\(from path\\)`));
    // The server's own commands may be registered too, but never over the extension's.
    for (const command of ['specls.newSpec', 'specls.restartServer', 'specls.showOutput']) {
      assert.ok(recorded.commands.has(command), command);
    }
    assert.deepEqual(recorded.messages, []);
  });

  it('prefers the bundled server/specls over PATH', async () => {
    const extensionPath = tempDir('specls-ext-');
    fs.mkdirSync(path.join(extensionPath, 'server'));
    fs.copyFileSync(path.join(binDir, 'specls'), path.join(extensionPath, 'server', 'specls'));
    // As unpacked from a .vsix that lost the mode: the extension restores it.
    fs.chmodSync(path.join(extensionPath, 'server', 'specls'), 0o644);
    const { recorded } = await activate({ pathEnv: binDir, extensionPath });
    assert.match(output(recorded), /\(from bundled\)/);
    assert.equal(recorded.statusItem.text, '$(check) specls');
  });

  it('shows one notification with the fix when no binary is found', async () => {
    const { recorded } = await activate({ pathEnv: tempDir('specls-empty-') });
    assert.equal(recorded.messages.length, 1, JSON.stringify(recorded.messages));
    assert.match(recorded.messages[0], /cargo install --path server\/specls/);
    assert.match(recorded.messages[0], /specls\.server\.path/);
    assert.equal(recorded.statusItem.text, '$(error) specls: no server');
  });

  it('sends severity settings in initialize and on change', async () => {
    const { recorded } = await activate({
      pathEnv: binDir,
      settings: { 'specls.severity.missing-section': 'warning', 'specls.trace.server': 'verbose' },
    });
    const initialize = output(recorded).match(/Sending request 'initialize[\s\S]*?"initializationOptions": (\{[\s\S]*?\n {4}\})/);
    assert.ok(initialize, 'no traced initialize request');
    assert.deepEqual(JSON.parse(initialize[1]), { severity: { 'missing-section': 'warning' } });

    recorded.changeSettings({ 'specls.severity.missing-section': null, 'specls.severity.broken-link': 'off' });
    await waitFor(() => /Sending notification 'workspace\/didChangeConfiguration'/.test(output(recorded)), 'didChangeConfiguration');
    const change = output(recorded).split("Sending notification 'workspace/didChangeConfiguration'")[1];
    assert.match(change, /"settings": \{\s*"specls": \{\s*"severity": \{\s*"broken-link": "off"\s*\}\s*\}\s*\}/);
  });

  it('restarts the server on command', async () => {
    const { recorded } = await activate({ pathEnv: binDir });
    await recorded.commands.get('specls.restartServer')();
    assert.equal(output(recorded).match(/Starting /g).length, 2);
    assert.equal(recorded.statusItem.text, '$(check) specls');
  });

  it('stops and starts the server on command', async () => {
    const { recorded } = await activate({ pathEnv: binDir });
    await recorded.commands.get('specls.stopServer')();
    assert.equal(recorded.statusItem.text, '$(debug-stop) specls');
    await recorded.commands.get('specls.startServer')();
    assert.equal(recorded.statusItem.text, '$(check) specls');
    // Start on a running server starts no second one.
    await recorded.commands.get('specls.startServer')();
    assert.equal(output(recorded).match(/Starting /g).length, 2);
  });

  it('starts no server while specls.enable is off, and starts it when turned on', async () => {
    const { recorded } = await activate({ pathEnv: binDir, settings: { 'specls.enable': false } });
    assert.equal(recorded.statusItem.text, '$(circle-slash) specls');
    assert.doesNotMatch(output(recorded), /Starting /);
    recorded.changeSettings({ 'specls.enable': true });
    await waitFor(() => recorded.statusItem.text === '$(check) specls', 'the server to start');
    recorded.changeSettings({ 'specls.enable': false });
    await waitFor(() => recorded.statusItem.text === '$(circle-slash) specls', 'the server to stop');
  });

  it('passes the log level as SPECLS_LOG and extraEnv to the server', async () => {
    const { recorded } = await activate({
      pathEnv: binDir,
      settings: { 'specls.server.logLevel': 'info', 'specls.server.extraEnv': { SPECLS_SMOKE: '1', BAD: 2 } },
    });
    // The server logs this line at info level only.
    await waitFor(() => /specls: initialized; position encoding/.test(output(recorded)), 'the info log');
    assert.match(output(recorded), /Ignoring specls\.server\.extraEnv\.BAD = 2: not a string\./);
  });

  it('creates a spec through the server, or says the server cannot', async () => {
    const { recorded, workspace } = await activate({ pathEnv: binDir, answers: ['design-doc', 'docs/search'] });
    await recorded.commands.get('specls.newSpec')();
    const target = path.join(workspace, 'docs', 'search.md');
    if (recorded.shown.length > 0) {
      assert.deepEqual(recorded.shown, [target]);
      assert.deepEqual(recorded.messages, []);
    } else {
      // A server without workspace/executeCommand support.
      assert.equal(recorded.messages.length, 1, JSON.stringify(recorded.messages));
      assert.match(recorded.messages[0], /could not create docs\/search\.md: this version of the specls server cannot create specs/);
    }
  });
});
