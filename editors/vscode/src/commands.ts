// Command ids the extension owns. No `vscode` import.

export const COMMANDS = {
  newSpec: 'specls.newSpec',
  startServer: 'specls.startServer',
  stopServer: 'specls.stopServer',
  restartServer: 'specls.restartServer',
  showOutput: 'specls.showOutput',
} as const;

const OWN_COMMANDS: ReadonlySet<string> = new Set(Object.values(COMMANDS));

/**
 * The server's `executeCommandProvider.commands` that vscode-languageclient may turn into VS Code
 * commands. It registers every one of them, and VS Code refuses a second registration of an id:
 * the server's `specls.newSpec` (which needs arguments) would collide with the extension's
 * command of the same name and stop the client from starting.
 */
export function serverCommandsToRegister(serverCommands: readonly string[]): string[] {
  return serverCommands.filter((command) => !OWN_COMMANDS.has(command));
}
