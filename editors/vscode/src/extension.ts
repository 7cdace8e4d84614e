// VS Code glue: starts specls for Markdown files and wires the commands, settings and status
// bar to it. Decisions that can be made without VS Code live in the pure modules beside this
// file, where they are unit-tested.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  ErrorCodes,
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  ResponseError,
  type ServerOptions,
  State,
  WorkDoneProgress,
  WorkDoneProgressCreateRequest,
} from 'vscode-languageclient/node';

import { COMMANDS, serverCommandsToRegister } from './commands';
import {
  BUILTIN_TEMPLATES,
  LIST_TEMPLATES_COMMAND,
  NEW_SPEC_COMMAND,
  newSpecArguments,
  specFileName,
  type TemplateInfo,
  templatesFromServer,
} from './newSpec';
import { serverEnvironment } from './serverEnv';
import { bundledServerPath, missingServerMessage, resolveServerPath } from './serverPath';
import {
  configurationSettings,
  initializationOptions,
  readSeverityOverrides,
  type SeverityOverrides,
} from './settings';
import { type Progress, presentStatus, type ServerStatus } from './status';

let extension: SpeclsExtension | undefined;

export function activate(context: vscode.ExtensionContext): Promise<void> {
  extension = new SpeclsExtension(context);
  return extension.startIfEnabled();
}

export function deactivate(): Promise<void> | undefined {
  return extension?.stop();
}

function isExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (process.platform !== 'win32') {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

/** A .vsix may not keep the bundled binary's executable bit through packing and unpacking. */
function restoreExecutableBit(file: string): void {
  if (process.platform === 'win32' || !fs.existsSync(file) || isExecutable(file)) {
    return;
  }
  try {
    fs.chmodSync(file, 0o755);
  } catch {
    // Resolution then skips the bundled binary and looks on PATH.
  }
}

class SpeclsExtension {
  private client: LanguageClient | undefined;
  private clientListeners: vscode.Disposable[] = [];
  private readonly output: vscode.OutputChannel;
  private readonly statusItem: vscode.StatusBarItem;
  private readonly progress = new Map<string | number, Progress>();
  // Start, stop and restart run one at a time: a settings change during a start must not
  // leave two servers running.
  private lifecycle: Promise<void> = Promise.resolve();

  constructor(private readonly context: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('specls');
    this.statusItem = vscode.window.createStatusBarItem('specls.status', vscode.StatusBarAlignment.Right, 100);
    this.statusItem.name = 'specls';
    this.statusItem.command = COMMANDS.showOutput;
    context.subscriptions.push(
      this.output,
      this.statusItem,
      vscode.commands.registerCommand(COMMANDS.showOutput, () => this.output.show(true)),
      vscode.commands.registerCommand(COMMANDS.startServer, () => this.start()),
      vscode.commands.registerCommand(COMMANDS.stopServer, () => this.stopByCommand()),
      vscode.commands.registerCommand(COMMANDS.restartServer, () => this.restart()),
      vscode.commands.registerCommand(COMMANDS.newSpec, () => this.newSpec()),
      vscode.workspace.onDidChangeConfiguration((event) => this.onConfigurationChanged(event)),
    );
  }

  /** At activation and when `specls.enable` is turned on: start unless the user turned specls off. */
  startIfEnabled(): Promise<void> {
    if (vscode.workspace.getConfiguration('specls').get<boolean>('enable') === false) {
      this.setStatus({ kind: 'disabled' });
      return Promise.resolve();
    }
    return this.start();
  }

  /** Starts the server unless it runs (the Start command, whatever `specls.enable` says). */
  start(): Promise<void> {
    return this.serialize(async () => {
      if (!this.client) {
        await this.startClient();
      }
    });
  }

  private stopByCommand(): Promise<void> {
    return this.serialize(async () => {
      await this.stopClient();
      this.setStatus({ kind: 'stopped-by-user' });
    });
  }

  stop(): Promise<void> {
    return this.serialize(() => this.stopClient());
  }

  restart(): Promise<void> {
    return this.serialize(async () => {
      await this.stopClient();
      await this.startClient();
    });
  }

  private serialize(step: () => Promise<void>): Promise<void> {
    this.lifecycle = this.lifecycle.then(step, step);
    return this.lifecycle;
  }

  private setStatus(status: ServerStatus): void {
    const shown = presentStatus(status);
    this.statusItem.text = shown.text;
    this.statusItem.tooltip = shown.tooltip;
    this.statusItem.backgroundColor = shown.error
      ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : undefined;
    this.statusItem.show();
  }

  private runningStatus(): ServerStatus {
    const latest = [...this.progress.values()].pop();
    const version = this.client?.initializeResult?.serverInfo?.version;
    return { kind: 'running', version, progress: latest };
  }

  private readSeverity(): SeverityOverrides {
    const config = vscode.workspace.getConfiguration('specls.severity');
    const { overrides, invalid } = readSeverityOverrides((code) => config.get(code));
    for (const { code, value } of invalid) {
      this.output.appendLine(
        `Ignoring specls.severity.${code} = ${JSON.stringify(value)}: use error, warning, information, hint or off.`,
      );
    }
    return overrides;
  }

  private async startClient(): Promise<void> {
    const extensionPath = this.context.extensionPath;
    restoreExecutableBit(bundledServerPath(extensionPath, process.platform));
    const resolution = resolveServerPath({
      configured: vscode.workspace.getConfiguration('specls').get<string>('server.path'),
      extensionPath,
      workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
      homeDir: os.homedir(),
      pathEnv: process.env.PATH,
      platform: process.platform,
      isExecutable,
    });
    if (!resolution.found) {
      const message = missingServerMessage(resolution);
      this.output.appendLine(message);
      if (resolution.reason === 'not-found') {
        this.output.appendLine(`Looked for: ${resolution.searched.join(', ')}`);
      }
      this.setStatus({ kind: 'missing' });
      void this.showMissingServer(message);
      return;
    }
    this.output.appendLine(`Starting ${resolution.path} (from ${resolution.source})`);

    const settings = vscode.workspace.getConfiguration('specls');
    const { env, problems } = serverEnvironment(process.env, settings.get('server.logLevel'), settings.get('server.extraEnv'));
    for (const problem of problems) {
      this.output.appendLine(problem);
    }
    const serverOptions: ServerOptions = { command: resolution.path, args: ['lsp'], options: { env } };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: 'file', language: 'markdown' }],
      // A function, so that a restart sends the settings of that moment.
      initializationOptions: () => initializationOptions(this.readSeverity()),
      outputChannel: this.output,
      traceOutputChannel: this.output,
    };
    const client = new LanguageClient('specls', 'specls', serverOptions, clientOptions);
    keepOwnCommands(client);
    this.clientListeners.push(
      client.onDidChangeState(({ newState }) => {
        if (newState === State.Starting) {
          this.setStatus({ kind: 'starting' });
        } else if (newState === State.Running) {
          this.setStatus(this.runningStatus());
        } else {
          this.progress.clear();
          this.setStatus({ kind: 'stopped' });
        }
      }),
    );
    this.client = client;
    this.setStatus({ kind: 'starting' });
    try {
      await client.start();
    } catch (error) {
      // vscode-languageclient has already shown its own notification for this.
      this.output.appendLine(`The server did not start: ${String(error)}`);
      this.setStatus({ kind: 'stopped' });
      return;
    }
    this.clientListeners.push(this.trackProgress(client));
    this.setStatus(this.runningStatus());
  }

  private async stopClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    for (const listener of this.clientListeners) {
      listener.dispose();
    }
    this.clientListeners = [];
    this.progress.clear();
    if (client) {
      try {
        await client.dispose();
      } catch (error) {
        this.output.appendLine(`Stopping the server: ${String(error)}`);
      }
    }
  }

  private async showMissingServer(message: string): Promise<void> {
    const openSettings = 'Open Settings';
    const choice = await vscode.window.showErrorMessage(message, openSettings);
    if (choice === openSettings) {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'specls.server.path');
    }
  }

  /**
   * Indexing progress in the status bar. The server creates its progress tokens, so the
   * extension takes over `window/workDoneProgress/create` from the client's built-in handler
   * (which has no hook to observe) and listens to each token it is given.
   */
  private trackProgress(client: LanguageClient): vscode.Disposable {
    return client.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
      const listener = client.onProgress(WorkDoneProgress.type, token, (value) => {
        if (value.kind === 'begin') {
          this.progress.set(token, { title: value.title, message: value.message, percentage: value.percentage });
        } else if (value.kind === 'report') {
          const current = this.progress.get(token);
          if (current) {
            this.progress.set(token, {
              ...current,
              message: value.message ?? current.message,
              percentage: value.percentage ?? current.percentage,
            });
          }
        } else {
          this.progress.delete(token);
          listener.dispose();
        }
        if (this.client === client && client.isRunning()) {
          this.setStatus(this.runningStatus());
        }
      });
    });
  }

  private onConfigurationChanged(event: vscode.ConfigurationChangeEvent): void {
    if (event.affectsConfiguration('specls.enable')) {
      if (vscode.workspace.getConfiguration('specls').get<boolean>('enable') === false) {
        void this.serialize(async () => {
          await this.stopClient();
          this.setStatus({ kind: 'disabled' });
        });
      } else {
        void this.start();
      }
      return;
    }
    const restartOn = ['specls.server.path', 'specls.server.logLevel', 'specls.server.extraEnv'];
    if (restartOn.some((section) => event.affectsConfiguration(section))) {
      if (this.client) {
        void this.restart();
      }
      return;
    }
    const client = this.client;
    if (event.affectsConfiguration('specls.severity') && client?.isRunning()) {
      void client.sendNotification(DidChangeConfigurationNotification.type, {
        settings: configurationSettings(this.readSeverity()),
      });
    }
  }

  private async newSpec(): Promise<void> {
    const client = this.client;
    if (!client?.isRunning()) {
      void vscode.window.showErrorMessage(
        'specls: the language server is not running, so no spec can be created. Run "specls: Show Output" to see why.',
      );
      return;
    }
    const folder = await pickWorkspaceFolder();
    if (!folder) {
      return;
    }
    const templates = await listTemplates(client, this.output);
    const title = 'specls: New Spec from Template';
    const template = await vscode.window.showQuickPick(
      templates.map((t) => ({ label: t.name, detail: t.description })),
      { title, placeHolder: 'Template of the new spec' },
    );
    if (!template) {
      return;
    }
    const suggestion = suggestedFileName(folder);
    const input = await vscode.window.showInputBox({
      title,
      prompt: `File of the new ${template.label} spec, relative to ${folder.name}`,
      value: suggestion,
      valueSelection: [suggestion.lastIndexOf('/') + 1, suggestion.length - '.md'.length],
      validateInput: async (value) => {
        const name = specFileName(value);
        if (!name.ok) {
          return name.message;
        }
        return (await exists(vscode.Uri.joinPath(folder.uri, name.relativePath)))
          ? `${name.relativePath} already exists`
          : undefined;
      },
    });
    const name = input === undefined ? undefined : specFileName(input);
    if (!name?.ok) {
      return;
    }
    const uri = vscode.Uri.joinPath(folder.uri, name.relativePath);
    try {
      await client.sendRequest(ExecuteCommandRequest.type, {
        command: NEW_SPEC_COMMAND,
        arguments: newSpecArguments(template.label, client.code2ProtocolConverter.asUri(uri)),
      });
    } catch (error) {
      const reason =
        error instanceof ResponseError && error.code === ErrorCodes.MethodNotFound
          ? 'this version of the specls server cannot create specs; update specls'
          : error instanceof Error
            ? error.message
            : String(error);
      void vscode.window.showErrorMessage(`specls: could not create ${name.relativePath}: ${reason}`);
      return;
    }
    // The server's edit creates the file and fills it in an editor buffer; saving makes the
    // new spec a file on disk like any other.
    const document = await vscode.workspace.openTextDocument(uri);
    if (document.isDirty) {
      await document.save();
    }
    await vscode.window.showTextDocument(document);
  }
}

/** Hides the server's commands that the extension registers itself (see `serverCommandsToRegister`). */
function keepOwnCommands(client: LanguageClient): void {
  const feature = client.getFeature(ExecuteCommandRequest.method);
  const register = feature.register.bind(feature);
  feature.register = (data) =>
    register({
      ...data,
      registerOptions: {
        ...data.registerOptions,
        commands: serverCommandsToRegister(data.registerOptions.commands ?? []),
      },
    });
}

async function listTemplates(client: LanguageClient, output: vscode.OutputChannel): Promise<readonly TemplateInfo[]> {
  try {
    const result: unknown = await client.sendRequest(ExecuteCommandRequest.type, {
      command: LIST_TEMPLATES_COMMAND,
      arguments: [],
    });
    const templates = templatesFromServer(result);
    if (templates) {
      return templates;
    }
    output.appendLine(`${LIST_TEMPLATES_COMMAND} gave no template list; offering the built-in templates.`);
  } catch (error) {
    output.appendLine(`${LIST_TEMPLATES_COMMAND} failed (${String(error)}); offering the built-in templates.`);
  }
  return BUILTIN_TEMPLATES;
}

async function pickWorkspaceFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showErrorMessage('specls: open a folder first; a new spec is created inside it.');
    return undefined;
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  const activeFolder = active ? vscode.workspace.getWorkspaceFolder(active) : undefined;
  if (activeFolder) {
    return activeFolder;
  }
  return folders.length === 1 ? folders[0] : vscode.window.showWorkspaceFolderPick();
}

/** `new-spec.md` beside the spec being edited, so a new spec lands among its siblings. */
function suggestedFileName(folder: vscode.WorkspaceFolder): string {
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && vscode.workspace.getWorkspaceFolder(active)?.uri.toString() === folder.uri.toString()) {
    const relative = vscode.workspace.asRelativePath(active, false);
    const slash = relative.lastIndexOf('/');
    if (slash > 0) {
      return `${relative.slice(0, slash)}/new-spec.md`;
    }
  }
  return 'new-spec.md';
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
