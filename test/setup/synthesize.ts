// Synthesizes the CDK app once for the whole run (reused while the sources are unchanged); the
// infrastructure, state machine and integration tests all read this one cloud assembly.
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { synthesize } from '../../local/cloud-assembly';
import { PROJECT_ROOT } from '../../paths';

declare module 'vitest' {
  export interface ProvidedContext {
    assemblyDirectory: string;
  }
}

export default async function setup(project: TestProject) {
  const directory = join(PROJECT_ROOT, '.hub', 'test-cdk.out');
  await synthesize(directory, (line) => console.log(line));
  project.provide('assemblyDirectory', directory);
}
