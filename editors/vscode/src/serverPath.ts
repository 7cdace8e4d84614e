// Which `specls` binary to start. No `vscode` import, and the file system is reached only
// through `isExecutable`, so every branch is unit-tested, Windows paths included.

import * as path from 'node:path';

export interface ServerLookup {
  /** The `specls.server.path` setting; empty or undefined when unset. */
  configured: string | undefined;
  /** Root of the installed extension; a platform-specific package holds `server/specls` there. */
  extensionPath: string;
  /** First workspace folder, against which a relative setting is resolved. */
  workspaceFolder: string | undefined;
  homeDir: string;
  /** The `PATH` environment variable. */
  pathEnv: string | undefined;
  platform: NodeJS.Platform;
  isExecutable: (file: string) => boolean;
}

export type ServerResolution =
  | { found: true; path: string; source: 'setting' | 'bundled' | 'path' }
  | { found: false; reason: 'configured-missing'; configured: string; resolved: string }
  | { found: false; reason: 'not-found'; searched: string[] };

function pathsFor(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

export function executableName(platform: NodeJS.Platform): string {
  return platform === 'win32' ? 'specls.exe' : 'specls';
}

export function bundledServerPath(extensionPath: string, platform: NodeJS.Platform): string {
  return pathsFor(platform).join(extensionPath, 'server', executableName(platform));
}

function expandConfigured(lookup: ServerLookup, configured: string): string {
  const p = pathsFor(lookup.platform);
  let expanded = configured;
  if (expanded === '~' || expanded.startsWith('~/') || expanded.startsWith('~\\')) {
    expanded = p.join(lookup.homeDir, expanded.slice(1));
  }
  if (p.isAbsolute(expanded)) {
    return p.normalize(expanded);
  }
  // A bare name such as `specls-dev` means a command on PATH, as in a shell.
  if (!expanded.includes('/') && !expanded.includes('\\')) {
    return expanded;
  }
  return p.resolve(lookup.workspaceFolder ?? lookup.homeDir, expanded);
}

function searchPath(lookup: ServerLookup, name: string, searched: string[]): string | undefined {
  const p = pathsFor(lookup.platform);
  const dirs = (lookup.pathEnv ?? '').split(p.delimiter).filter((dir) => dir !== '');
  for (const dir of dirs) {
    const candidate = p.join(dir, name);
    searched.push(candidate);
    if (lookup.isExecutable(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

/**
 * The setting wins, then the binary bundled in the extension, then `PATH`. A setting that names
 * no executable is an error of its own rather than a silent fall-back, so that a typo in it is
 * reported instead of starting some other `specls`.
 */
export function resolveServerPath(lookup: ServerLookup): ServerResolution {
  const configured = lookup.configured?.trim() ?? '';
  if (configured !== '') {
    const expanded = expandConfigured(lookup, configured);
    const p = pathsFor(lookup.platform);
    if (p.isAbsolute(expanded)) {
      return lookup.isExecutable(expanded)
        ? { found: true, path: expanded, source: 'setting' }
        : { found: false, reason: 'configured-missing', configured, resolved: expanded };
    }
    const names =
      lookup.platform === 'win32' && !expanded.toLowerCase().endsWith('.exe')
        ? [expanded + '.exe', expanded]
        : [expanded];
    for (const name of names) {
      const onPath = searchPath(lookup, name, []);
      if (onPath !== undefined) {
        return { found: true, path: onPath, source: 'setting' };
      }
    }
    return { found: false, reason: 'configured-missing', configured, resolved: expanded };
  }

  const bundled = bundledServerPath(lookup.extensionPath, lookup.platform);
  if (lookup.isExecutable(bundled)) {
    return { found: true, path: bundled, source: 'bundled' };
  }
  const searched = [bundled];
  const onPath = searchPath(lookup, executableName(lookup.platform), searched);
  if (onPath !== undefined) {
    return { found: true, path: onPath, source: 'path' };
  }
  return { found: false, reason: 'not-found', searched };
}

/** The one notification shown when no server can be started, with the fix in it. */
export function missingServerMessage(resolution: ServerResolution): string {
  if (resolution.found) {
    return '';
  }
  if (resolution.reason === 'configured-missing') {
    return (
      `specls: the setting specls.server.path is "${resolution.configured}", ` +
      `but no executable is at ${resolution.resolved}. ` +
      'Correct the setting, or clear it to use the bundled binary or the specls on PATH.'
    );
  }
  return (
    'specls: the specls language server was not found: this extension has no bundled binary ' +
    'for this platform and specls is not on PATH. Install it with ' +
    '"cargo install --path server/specls" from a specls checkout (or put specls on PATH), ' +
    'or set specls.server.path to the binary, then run "specls: Restart Server".'
  );
}
