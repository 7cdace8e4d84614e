// What the status bar item says. No `vscode` import.

export interface Progress {
  title: string;
  message?: string;
  percentage?: number;
}

export type ServerStatus =
  | { kind: 'starting' }
  | { kind: 'running'; version?: string; progress?: Progress }
  | { kind: 'stopped' }
  | { kind: 'stopped-by-user' }
  | { kind: 'disabled' }
  | { kind: 'missing' };

export interface StatusPresentation {
  /** With codicons, as the status bar renders them. */
  text: string;
  tooltip: string;
  /** Shown with the error background, so a dead server is noticed. */
  error: boolean;
}

function progressText(progress: Progress): string {
  const parts = [progress.title];
  if (progress.message) {
    parts.push(progress.message);
  }
  if (progress.percentage !== undefined) {
    parts.push(`${Math.round(progress.percentage)}%`);
  }
  return parts.join(' ');
}

export function presentStatus(status: ServerStatus): StatusPresentation {
  switch (status.kind) {
    case 'starting':
      return { text: '$(sync~spin) specls', tooltip: 'specls: starting the language server', error: false };
    case 'running':
      if (status.progress) {
        const text = progressText(status.progress);
        return { text: `$(sync~spin) specls: ${text}`, tooltip: `specls: ${text}`, error: false };
      }
      return {
        text: '$(check) specls',
        tooltip: `specls${status.version ? ' ' + status.version : ''}: running. Click for the output.`,
        error: false,
      };
    case 'stopped':
      return {
        text: '$(error) specls',
        tooltip: 'specls: the language server stopped. Click for the output; run "specls: Restart Server" to start it.',
        error: true,
      };
    case 'stopped-by-user':
      return {
        text: '$(debug-stop) specls',
        tooltip: 'specls: the language server was stopped. Run "specls: Start Server" to start it.',
        error: false,
      };
    case 'disabled':
      return {
        text: '$(circle-slash) specls',
        tooltip: 'specls: off (the setting specls.enable). Run "specls: Start Server" to start it anyway.',
        error: false,
      };
    case 'missing':
      return {
        text: '$(error) specls: no server',
        tooltip: 'specls: the language server binary was not found. Set specls.server.path or put specls on PATH.',
        error: true,
      };
  }
}
