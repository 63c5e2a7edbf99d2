// readCloudAssembly: the one stack of a cdk.out directory, its template, and the directory of
// each bundled asset by the S3 key the template names.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { readCloudAssembly } from '../../../local/cloud-assembly';
import { LocalResources } from '../../../local/resources';
import * as model from '../../../local/template-model';

const STACK = 'Hub-test';
const TEMPLATE = {
  Resources: {
    Receiver: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        FunctionName: 'receiver',
        Code: { S3Bucket: 'assets', S3Key: 'abc123.zip' },
        Handler: 'index.handler',
      },
    },
  },
  Outputs: { Name: { Value: { Ref: 'Receiver' } } },
};

let directory: string;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'cdk-out-'));
});

afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

function writeJson(name: string, value: unknown): void {
  writeFileSync(join(directory, name), JSON.stringify(value));
}

/** A minimal cdk.out: manifest with an asset manifest, a tree and the given stacks; one asset. */
function writeAssembly(stacks: string[] = [STACK]): void {
  const artifacts: Record<string, unknown> = { Tree: { type: 'cdk:tree', properties: { file: 'tree.json' } } };
  for (const stack of stacks) {
    artifacts[`${stack}.assets`] = { type: 'cdk:asset-manifest', properties: { file: `${stack}.assets.json` } };
    artifacts[stack] = { type: 'aws:cloudformation:stack', properties: { templateFile: `${stack}.template.json` } };
    writeJson(`${stack}.template.json`, TEMPLATE);
    writeJson(`${stack}.assets.json`, {
      version: '55.0.0',
      files: {
        abc123: {
          displayName: 'Receiver/Code',
          source: { path: 'asset.abc123', packaging: 'zip' },
          destinations: {
            'current_account-current_region': { bucketName: 'assets', objectKey: 'abc123.zip' },
            'other-region': { bucketName: 'assets-2', objectKey: 'abc123-copy.zip' },
          },
        },
        template: {
          source: { path: `${stack}.template.json`, packaging: 'file' },
          destinations: { d: { bucketName: 'assets', objectKey: 'template.json' } },
        },
      },
    });
  }
  writeJson('manifest.json', { version: '55.0.0', artifacts });
  mkdirSync(join(directory, 'asset.abc123'));
  writeFileSync(join(directory, 'asset.abc123', 'index.mjs'), 'export const handler = async () => "ok";\n');
}

describe('readCloudAssembly', () => {
  it('reads the stack name and template of the one stack', () => {
    // Prepare
    writeAssembly();

    // Act
    const assembly = readCloudAssembly(directory);

    // Assess
    expect(assembly.directory).toBe(directory);
    expect(assembly.stackName).toBe(STACK);
    expect(assembly.template).toEqual(TEMPLATE);
  });

  it('finds the asset directory of every destination object key', () => {
    // Prepare
    writeAssembly();

    // Act
    const assembly = readCloudAssembly(directory);

    // Assess
    expect(assembly.assetDirectory('abc123.zip')).toBe(join(directory, 'asset.abc123'));
    expect(assembly.assetDirectory('abc123-copy.zip')).toBe(join(directory, 'asset.abc123'));
    expect(() => assembly.assetDirectory('unknown.zip')).toThrow(`No asset for unknown.zip in ${directory}`);
  });

  it('gives the template model the bundled module of each function', () => {
    // Prepare
    writeAssembly();
    const assembly = readCloudAssembly(directory);
    const resources = new LocalResources(assembly, {
      region: 'us-east-1',
      stackName: assembly.stackName,
      queueUrl: (name) => name,
      apiEndpoint: '',
    });

    // Act
    const [receiver] = model.functions(resources);

    // Assess
    expect(receiver.modulePath).toBe(join(directory, 'asset.abc123', 'index.mjs'));
    expect(model.outputs(resources)).toEqual({ Name: { description: undefined, value: 'receiver' } });
  });

  it.each([
    [[], 0],
    [['StackA', 'StackB'], 2],
  ])('refuses an assembly with stacks %j: it runs exactly one', (stacks, count) => {
    // Prepare
    writeAssembly(stacks);

    // Act / Assess
    expect(() => readCloudAssembly(directory)).toThrow(`Expected one stack in ${directory}, found ${count}`);
  });

  it('reads the synthesized app of this project, every function asset present', () => {
    // Prepare
    const assembly = readCloudAssembly(inject('assemblyDirectory'));
    const resources = new LocalResources(assembly, {
      region: 'us-east-1',
      stackName: assembly.stackName,
      queueUrl: (name) => name,
      apiEndpoint: 'http://127.0.0.1:1',
    });

    // Act
    const functions = model.functions(resources);

    // Assess
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) expect(fn.modulePath.startsWith(assembly.directory)).toBe(true);
  });
});
