// Produces and reads the synthesized CDK app: the local hub runs exactly the template and the
// bundled function code that `cdk deploy` would upload.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../paths';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface CloudAssembly {
  directory: string;
  stackName: string;
  template: { Resources: Record<string, CfnResource>; Outputs?: Record<string, unknown> };
  /** Directory of the bundled code for a Lambda function's S3 key. */
  assetDirectory(s3Key: string): string;
}

/** What the synth depends on: when none of it changed, the last synth is reused. */
const SOURCES = [
  'paths.ts',
  'stack-contract.ts',
  'bin',
  'lib',
  'functions',
  'statemachines',
  'cdk.json',
  'package-lock.json',
];
const HASH_FILE = '.hub-source-hash';

/**
 * Synthesizes the app into `outdir`, with `overrides` on top of cdk.json's context (as `-c`
 * would give them), unless the sources and overrides are those of the last synth there.
 */
export async function synthesize(
  outdir: string,
  log: (line: string) => void = () => {},
  overrides: Record<string, unknown> = {},
): Promise<CloudAssembly> {
  const hash = sourceHash(overrides);
  const hashFile = join(outdir, HASH_FILE);
  if (existsSync(hashFile) && readFileSync(hashFile, 'utf8') === hash) {
    log(`Reusing the synthesized app in ${relative(process.cwd(), outdir) || outdir} (sources unchanged)`);
    return readCloudAssembly(outdir);
  }
  log('Synthesizing the CDK app (cdk.json "app")...');
  // What the CDK CLI hands the app: cdk.json's command and context, plus the metadata flags.
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { app: string; context?: object };
  const context = {
    ...cdkJson.context,
    ...overrides,
    'aws:cdk:enable-path-metadata': true,
    'aws:cdk:enable-asset-metadata': true,
  };
  await run(cdkJson.app, { CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(context) });
  writeFileSync(hashFile, hash);
  return readCloudAssembly(outdir);
}

export function readCloudAssembly(directory: string): CloudAssembly {
  const manifest = JSON.parse(readFileSync(join(directory, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; properties?: { templateFile?: string } }>;
  };
  const stacks = Object.entries(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack');
  if (stacks.length !== 1) throw new Error(`Expected one stack in ${directory}, found ${stacks.length}`);
  const [stackName, artifact] = stacks[0];
  const template = JSON.parse(readFileSync(join(directory, artifact.properties?.templateFile ?? ''), 'utf8'));
  const assets = JSON.parse(readFileSync(join(directory, `${stackName}.assets.json`), 'utf8')) as {
    files: Record<string, { source: { path: string }; destinations: Record<string, { objectKey: string }> }>;
  };
  const byKey = new Map<string, string>();
  for (const file of Object.values(assets.files)) {
    for (const destination of Object.values(file.destinations)) byKey.set(destination.objectKey, file.source.path);
  }
  return {
    directory,
    stackName,
    template,
    assetDirectory(s3Key) {
      const path = byKey.get(s3Key);
      if (!path) throw new Error(`No asset for ${s3Key} in ${directory}`);
      return join(directory, path);
    },
  };
}

function sourceHash(overrides: Record<string, unknown>): string {
  const hash = createHash('sha256').update(JSON.stringify(overrides));
  const visit = (path: string) => {
    const full = join(PROJECT_ROOT, path);
    if (!existsSync(full)) return;
    if (statSync(full).isDirectory()) {
      for (const entry of readdirSync(full).sort()) visit(join(path, entry));
    } else {
      hash.update(path).update(readFileSync(full));
    }
  };
  for (const source of SOURCES) visit(source);
  return hash.digest('hex');
}

function run(command: string, env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, {
      cwd: PROJECT_ROOT,
      shell: true,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`'${command}' exited with code ${code}`))));
  });
}
