// A stand-in for the `vscode` module, enough for the extension and vscode-languageclient to
// activate under plain Node and talk to a real specls. What the tests look at is recorded
// (messages, output, status bar, commands, opened documents); everything else the client
// touches answers with an inert stub.
'use strict';

const path = require('node:path');

function inert(name) {
  const target = function () {
    return inert(`${name}()`);
  };
  return new Proxy(target, {
    get(fn, prop) {
      if (prop === Symbol.iterator) {
        return function* () {};
      }
      // Not a thenable: `await inert` must not hang.
      if (prop === 'then') {
        return undefined;
      }
      if (prop === 'length') {
        return 0;
      }
      if (!(prop in fn)) {
        fn[prop] = inert(`${name}.${String(prop)}`);
      }
      return fn[prop];
    },
    construct() {
      return inert(`new ${name}`);
    },
  });
}

function withFallback(object, name) {
  return new Proxy(object, {
    get(target, prop) {
      if (!(prop in target)) {
        target[prop] = inert(`${name}.${String(prop)}`);
      }
      return target[prop];
    },
  });
}

class EventEmitter {
  constructor() {
    this.listeners = [];
    this.event = (listener) => {
      this.listeners.push(listener);
      return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
    };
  }
  fire(value) {
    for (const listener of this.listeners) {
      listener(value);
    }
  }
  dispose() {}
}

class Uri {
  constructor(fsPath) {
    this.scheme = 'file';
    this.fsPath = fsPath;
    this.path = fsPath;
  }
  toString() {
    return `file://${this.fsPath}`;
  }
  with() {
    return this;
  }
  static file(fsPath) {
    return new Uri(fsPath);
  }
  static parse(text) {
    return new Uri(decodeURIComponent(text.replace(/^file:\/\//, '')));
  }
  static joinPath(uri, ...parts) {
    return new Uri(path.join(uri.fsPath, ...parts));
  }
}

/**
 * `settings` maps full keys (`specls.severity.missing-section`) to values; `answers` gives the
 * quick pick and input box results, in order.
 */
function createVscode({ settings = {}, workspaceFolder, answers = [] }) {
  const recorded = { messages: [], output: [], commands: new Map(), shown: [], applied: [] };
  const configuration = new EventEmitter();
  const statusItem = { show() {}, hide() {}, dispose() {} };
  recorded.statusItem = statusItem;
  recorded.changeSettings = (changes) => {
    Object.assign(settings, changes);
    configuration.fire({
      affectsConfiguration: (section) => Object.keys(changes).some((key) => key === section || key.startsWith(`${section}.`)),
    });
  };
  const message = async (text) => {
    recorded.messages.push(text);
    return undefined;
  };
  const vscode = {
    version: '1.82.0',
    Uri,
    EventEmitter,
    Disposable: class {
      constructor(dispose) {
        this.dispose = dispose ?? (() => {});
      }
      static from(...disposables) {
        return { dispose: () => disposables.forEach((d) => d.dispose()) };
      }
    },
    ThemeColor: class {
      constructor(id) {
        this.id = id;
      }
    },
    StatusBarAlignment: { Left: 1, Right: 2 },
    env: { appName: 'Visual Studio Code', language: 'en', uiKind: 1 },
    window: withFallback(
      {
        createOutputChannel: (name) => ({
          name,
          append: (text) => recorded.output.push(text),
          appendLine: (text) => recorded.output.push(`${text}\n`),
          show() {},
          clear() {},
          replace() {},
          dispose() {},
        }),
        createStatusBarItem: () => statusItem,
        showErrorMessage: message,
        showWarningMessage: message,
        showInformationMessage: message,
        showQuickPick: async (items) => {
          const label = answers.shift();
          return (await items).find((item) => item.label === label);
        },
        showInputBox: async (options) => {
          const value = answers.shift();
          const problem = value === undefined ? undefined : await options.validateInput?.(value);
          return problem ? undefined : value;
        },
        showTextDocument: async (document) => {
          recorded.shown.push(document.uri.fsPath);
        },
        activeTextEditor: undefined,
      },
      'vscode.window',
    ),
    commands: withFallback(
      {
        // VS Code refuses a second registration of a command id; so does the stand-in.
        registerCommand(id, handler) {
          if (recorded.commands.has(id)) {
            throw new Error(`command '${id}' already exists`);
          }
          recorded.commands.set(id, handler);
          return { dispose: () => recorded.commands.delete(id) };
        },
        executeCommand: async () => undefined,
      },
      'vscode.commands',
    ),
    workspace: withFallback(
      {
        workspaceFolders: workspaceFolder ? [{ uri: Uri.file(workspaceFolder), name: path.basename(workspaceFolder), index: 0 }] : [],
        textDocuments: [],
        getConfiguration: (section) => ({
          get: (key, fallback) => settings[section ? `${section}.${key}` : key] ?? fallback,
          has: (key) => (section ? `${section}.${key}` : key) in settings,
          inspect: () => undefined,
          update: async () => {},
        }),
        getWorkspaceFolder: () => undefined,
        onDidChangeConfiguration: configuration.event,
        applyEdit: async (edit) => {
          recorded.applied.push(edit);
          return true;
        },
        openTextDocument: async (uri) => ({ uri, isDirty: false, save: async () => true }),
        fs: { stat: async () => Promise.reject(new Error('no such file')) },
      },
      'vscode.workspace',
    ),
  };
  return { vscode: withFallback(vscode, 'vscode'), recorded };
}

module.exports = { createVscode };
