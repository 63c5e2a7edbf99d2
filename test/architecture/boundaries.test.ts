// The rooms stay rooms: read every source file's imports and check who may depend on whom, so
// flows keep talking to ports, functions stay deployable on their own, and the local runtime and
// the sandboxes stay outside what deploys.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../paths';

interface SourceFile {
  path: string;
  text: string;
  /** Project-relative paths of the project files it imports (packages left out). */
  imports: string[];
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.[^'"]+)['"]/g;

function sources(folder: string): SourceFile[] {
  const files: SourceFile[] = [];
  const visit = (path: string) => {
    for (const entry of readdirSync(join(PROJECT_ROOT, path))) {
      const child = join(path, entry);
      if (statSync(join(PROJECT_ROOT, child)).isDirectory()) visit(child);
      else if (/\.(ts|mjs)$/.test(entry)) {
        const text = readFileSync(join(PROJECT_ROOT, child), 'utf8');
        const imports = [...text.matchAll(IMPORT)].map(([, specifier]) =>
          relative(PROJECT_ROOT, resolve(PROJECT_ROOT, dirname(child), specifier)),
        );
        files.push({ path: child, text, imports });
      }
    }
  };
  visit(folder);
  return files;
}

const VENDORS = /\b(netsuite|salesforce|sap|s\/4hana|business central|odoo|hubspot)\b/i;
const within = (folder: string) => (path: string) => path === folder || path.startsWith(`${folder}/`);
const violations = (files: SourceFile[], forbidden: (path: string) => boolean) =>
  files.flatMap((file) => file.imports.filter(forbidden).map((target) => `${file.path} imports ${target}`));

describe('import boundaries', () => {
  const functions = sources('functions');

  it('reads imports at all (a file known to import a port)', () => {
    expect(functions.find((f) => f.path === 'functions/flows/quote-to-cash/create-erp-order.ts')?.imports).toContain(
      'functions/ports/erp',
    );
  });

  it('flows import no connector: they talk to ports', () => {
    expect(violations(sources('functions/flows'), within('functions/connectors'))).toEqual([]);
  });

  it('functions import only functions: nothing from lib/, local/, sandboxes/ or elsewhere', () => {
    expect(violations(functions, (target) => !within('functions')(target))).toEqual([]);
  });

  it('ports import only the canonical domain', () => {
    const allowed = (target: string) => within('functions/ports')(target) || within('functions/domain')(target);
    expect(violations(sources('functions/ports'), (target) => !allowed(target))).toEqual([]);
  });

  it('step handlers reach vendors only through the connector registry', () => {
    const vendorFolder = (target: string) =>
      within('functions/connectors')(target) && target !== 'functions/connectors/registry';
    const steps = sources('functions/handlers').filter((f) => !f.path.endsWith('-receiver.ts'));
    expect(violations(steps, vendorFolder)).toEqual([]);
  });

  it('sandboxes import nothing from functions/', () => {
    expect(violations(sources('sandboxes'), within('functions'))).toEqual([]);
  });

  it('the local runtime imports nothing from lib/', () => {
    expect(violations(sources('local'), within('lib'))).toEqual([]);
  });

  it('lib/ constructs reach connectors only through the registry (the sender registry excepted)', () => {
    const files = sources('lib').filter((f) => f.path !== 'lib/senders.ts');
    const vendorFolder = (target: string) =>
      within('functions/connectors')(target) && target !== 'functions/connectors/registry';
    expect(violations(files, vendorFolder)).toEqual([]);
  });
});

describe('vendor names', () => {
  it('appear in no step handler, flow, lib/ construct or local runtime file', () => {
    // Registries list vendors by nature; lib/config.ts names context keys of earlier versions.
    const registries = ['lib/senders.ts', 'lib/config.ts'];
    const files = [
      ...sources('functions/handlers').filter((f) => !f.path.endsWith('-receiver.ts')),
      ...sources('functions/flows'),
      ...sources('lib').filter((f) => !registries.includes(f.path)),
      ...sources('local'),
    ];
    const naming = files.filter((f) => VENDORS.test(f.text)).map((f) => `${f.path}: ${VENDORS.exec(f.text)?.[0]}`);
    expect(naming).toEqual([]);
  });
});
