// The JSON Schema of .specls.yaml has one source, the repository's schemas/ folder; the
// extension ships a copy made at build time.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(dirname(fileURLToPath(import.meta.url)));
const source = join(here, '..', '..', 'schemas', 'specls.schema.json');
const target = join(here, 'schemas', 'specls.schema.json');

mkdirSync(dirname(target), { recursive: true });
try {
  copyFileSync(source, target);
} catch (error) {
  console.error(`copy-schema: cannot copy ${source}: ${error.message}`);
  console.error('Build the extension inside a specls checkout (editors/vscode).');
  process.exit(1);
}
