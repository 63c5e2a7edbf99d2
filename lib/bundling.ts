// How a handler becomes Lambda code: esbuild bundles it with the AWS SDK inside, as ES modules
// split into chunks, so code a handler imports on demand (one chunk per vendor connector) is
// only loaded when a step calls that system. NodejsFunction writes a single file and cannot do
// this, so the bundle is made here with the same settings it would use.
import { join } from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { type BuildOptions, buildSync } from 'esbuild';
import { HANDLERS_DIR, PROJECT_ROOT } from '../paths';

/** The file Lambda loads: `index.handler`. */
export const HANDLER = 'index.handler';

export function bundleOptions(handler: string): BuildOptions {
  return {
    entryPoints: { index: join(HANDLERS_DIR, `${handler}.ts`) },
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    splitting: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    // The AWS SDK is bundled, not taken from the runtime: the version tested is the version run.
    external: [],
    banner: { js: "import { createRequire } from 'node:module';const require = createRequire(import.meta.url);" },
    logLevel: 'warning',
    absWorkingDir: PROJECT_ROOT,
  };
}

export function handlerCode(handler: string): Code {
  const options = bundleOptions(handler);
  return Code.fromAsset(PROJECT_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Only used where esbuild cannot run locally; the same bundle, built in the SAM build image.
      image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs22.x'),
      command: ['bash', '-c', `npx esbuild ${cliArguments(options).join(' ')} --outdir=/asset-output`],
      local: {
        tryBundle(outputDir) {
          buildSync({ ...options, outdir: outputDir });
          return true;
        },
      },
    },
  });
}

/** The same options on esbuild's command line, for the container build (project root mounted as /asset-input). */
function cliArguments(options: BuildOptions): string[] {
  const [[name, path]] = Object.entries(options.entryPoints as Record<string, string>);
  return [
    `${name}=${path.slice(PROJECT_ROOT.length)}`,
    '--bundle',
    '--platform=node',
    `--target=${options.target}`,
    '--format=esm',
    '--splitting',
    '--out-extension:.js=.mjs',
    `--chunk-names=${options.chunkNames}`,
    '--main-fields=module,main',
    '--minify',
    '--sourcemap',
    '--sources-content=false',
    `--banner:js="${options.banner?.js}"`,
  ];
}
