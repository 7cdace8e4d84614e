// The environment the server starts with: the extension host's, the log level as SPECLS_LOG,
// and `specls.server.extraEnv`. No `vscode` import.

export const LOG_LEVELS = ['warning', 'info', 'debug', 'trace'] as const;

export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ServerEnvironment {
  env: Record<string, string>;
  /** Settings that were ignored, for the output channel. */
  problems: string[];
}

function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value);
}

/**
 * `base` (the extension host's environment) with `SPECLS_LOG` set from `logLevel` (`warning`,
 * the server's default, leaves it as it is) and the string values of `extraEnv` on top, which
 * win, SPECLS_LOG included.
 */
export function serverEnvironment(
  base: Readonly<Record<string, string | undefined>>,
  logLevel: unknown,
  extraEnv: unknown,
): ServerEnvironment {
  const env: Record<string, string> = {};
  const problems: string[] = [];
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined) {
      env[name] = value;
    }
  }
  if (logLevel !== undefined && logLevel !== null && !isLogLevel(logLevel)) {
    problems.push(`Ignoring specls.server.logLevel = ${JSON.stringify(logLevel)}: use ${LOG_LEVELS.join(', ')}.`);
  } else if (isLogLevel(logLevel) && logLevel !== 'warning') {
    env.SPECLS_LOG = logLevel;
  }
  if (extraEnv !== undefined && extraEnv !== null) {
    if (typeof extraEnv !== 'object' || Array.isArray(extraEnv)) {
      problems.push(`Ignoring specls.server.extraEnv: it is ${JSON.stringify(extraEnv)}, not an object of strings.`);
    } else {
      for (const [name, value] of Object.entries(extraEnv as Record<string, unknown>)) {
        if (typeof value === 'string') {
          env[name] = value;
        } else {
          problems.push(`Ignoring specls.server.extraEnv.${name} = ${JSON.stringify(value)}: not a string.`);
        }
      }
    }
  }
  return { env, problems };
}
