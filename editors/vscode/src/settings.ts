// The `specls.*` settings as the server receives them. No `vscode` import: the mapping is
// unit-tested under plain Node.

/**
 * The diagnostic codes, each with a severity setting; `server/analysis/tests/code_lists.rs` keeps
 * this list, package.json and the configuration schema in step with the server's list.
 */
export const DIAGNOSTIC_CODES = [
  'missing-section',
  'section-order',
  'duplicate-section',
  'empty-section',
  'missing-field',
  'invalid-value',
  'invalid-date',
  'unfilled-placeholder',
  'frontmatter-syntax',
  'unknown-reference',
  'broken-link',
  'duplicate-id',
  'dependency-cycle',
  'dependency-status',
  'supersedes-mismatch',
  'skipped-file',
  'encoding',
  'nesting-limit',
  'uncovered-requirement',
  'unknown-requirement',
  'duplicate-requirement',
  'needs-clarification',
  'unknown-task',
  'task-cycle',
  'task-status',
  'ears-form',
] as const;

export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];

export const SEVERITY_LEVELS = ['error', 'warning', 'information', 'hint', 'off'] as const;

export type SeverityLevel = (typeof SEVERITY_LEVELS)[number];

export type SeverityOverrides = Partial<Record<DiagnosticCode, SeverityLevel>>;

export interface InvalidSeverity {
  code: DiagnosticCode;
  value: unknown;
}

export interface SeverityReading {
  /** Only the codes the user set: an absent code leaves `.specls.yaml` or the built-in in force. */
  overrides: SeverityOverrides;
  /** Values the user typed that are no level (settings.json accepts anything), to be logged. */
  invalid: InvalidSeverity[];
}

function isLevel(value: string): value is SeverityLevel {
  return (SEVERITY_LEVELS as readonly string[]).includes(value);
}

/**
 * Reads `specls.severity.<code>` for every code through `read` (the VS Code configuration in
 * the extension, a plain object in tests).
 */
export function readSeverityOverrides(read: (code: DiagnosticCode) => unknown): SeverityReading {
  const overrides: SeverityOverrides = {};
  const invalid: InvalidSeverity[] = [];
  for (const code of DIAGNOSTIC_CODES) {
    const value = read(code);
    // `null` is the declared default, and an empty string is what a cleared text box leaves.
    if (value === undefined || value === null || value === '') {
      continue;
    }
    const level = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
    if (level !== undefined && isLevel(level)) {
      overrides[code] = level;
    } else {
      invalid.push({ code, value });
    }
  }
  return { overrides, invalid };
}

/** `initializationOptions` of the `initialize` request. */
export function initializationOptions(overrides: SeverityOverrides): { severity: SeverityOverrides } {
  return { severity: { ...overrides } };
}

/**
 * `settings` of `workspace/didChangeConfiguration`. The map is complete: a code missing from it
 * has no override any more.
 */
export function configurationSettings(overrides: SeverityOverrides): {
  specls: { severity: SeverityOverrides };
} {
  return { specls: { severity: { ...overrides } } };
}
