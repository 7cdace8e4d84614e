// The pure half of "specls: New Spec from Template": what the server is asked and how its
// answers and the user's input are read. No `vscode` import.

export interface TemplateInfo {
  name: string;
  description: string;
}

/** The server command that lists the templates in effect (built-in and configured). */
export const LIST_TEMPLATES_COMMAND = 'specls.listTemplates';
/** The server command that creates a spec through `workspace/applyEdit`. */
export const NEW_SPEC_COMMAND = 'specls.newSpec';

/** Shown when the server cannot list its templates (an older server, or an error). */
export const BUILTIN_TEMPLATES: readonly TemplateInfo[] = [
  { name: 'feature-spec', description: 'Feature spec: spec-id, status and priority; problem, solution, requirements, design, tasks, success criteria' },
  { name: 'design-doc', description: 'Design doc: author and reviewers; requirements, proposed solution, implementation, testing, rollback plan' },
];

/** The server's answer to `specls.listTemplates`, or `undefined` when it is not a usable list. */
export function templatesFromServer(result: unknown): TemplateInfo[] | undefined {
  if (!Array.isArray(result)) {
    return undefined;
  }
  const templates: TemplateInfo[] = [];
  for (const item of result as unknown[]) {
    if (typeof item !== 'object' || item === null) {
      return undefined;
    }
    const { name, description } = item as { name?: unknown; description?: unknown };
    if (typeof name !== 'string' || name === '') {
      return undefined;
    }
    templates.push({ name, description: typeof description === 'string' ? description : '' });
  }
  return templates.length > 0 ? templates : undefined;
}

export type SpecFileName = { ok: true; relativePath: string } | { ok: false; message: string };

/**
 * The file name typed by the user, as a path relative to the workspace folder. `.md` is added
 * when there is no extension; leaving the folder is refused, so a spec lands in the workspace
 * the server indexes.
 */
export function specFileName(input: string): SpecFileName {
  const trimmed = input.trim().replace(/\\/g, '/');
  if (trimmed === '') {
    return { ok: false, message: 'Type a file name, such as specs/login.md' };
  }
  if (trimmed.startsWith('/') || /^[A-Za-z]:/.test(trimmed)) {
    return { ok: false, message: 'Type a path relative to the workspace folder' };
  }
  const parts = trimmed.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) {
    return { ok: false, message: 'The spec must stay inside the workspace folder' };
  }
  if (parts.length === 0 || trimmed.endsWith('/')) {
    return { ok: false, message: 'Type a file name, not a folder' };
  }
  const last = parts[parts.length - 1];
  if (!last.includes('.') || last.startsWith('.')) {
    parts[parts.length - 1] = last + '.md';
  } else if (!last.toLowerCase().endsWith('.md')) {
    return { ok: false, message: 'A spec is a Markdown file: the name ends in .md' };
  }
  return { ok: true, relativePath: parts.join('/') };
}

/** The `arguments` of the `specls.newSpec` server command. */
export function newSpecArguments(template: string, uri: string): [{ template: string; uri: string }] {
  return [{ template, uri }];
}
