// `tsx test/deploy/kubernetes-check.ts`: validates deploy/kubernetes offline, two ways, and prints
// every problem (exit 1) or a one-line summary:
//  1. each manifest against the Kubernetes OpenAPI schemas, as kubernetes-models ships them
//     precompiled (types, enums, required fields);
//  2. each manifest type-checked as its kubernetes-models TypeScript interface, which refuses a
//     field the schema does not know (the schema validators allow them): a misspelt `readinesProbe`
//     would otherwise pass and be dropped by the API server.
// It runs as its own process because kubernetes-models is ES modules only, which Jest cannot load.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { kubernetesManifests, ROOT } from './kubernetes-manifests';

type ModelClass = new (data: unknown) => { validate(): void };

async function schemaProblems(): Promise<string[]> {
  const problems: string[] = [];
  for (const { file, document } of kubernetesManifests()) {
    const modules = (await import(`kubernetes-models/${document.apiVersion}`)) as Record<string, ModelClass>;
    const Model = modules[document.kind];
    if (Model === undefined) {
      problems.push(`${file}: no ${document.apiVersion} ${document.kind} in kubernetes-models`);
      continue;
    }
    try {
      new Model(document).validate();
    } catch (error) {
      problems.push(`${file} (${document.kind}): ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return problems;
}

function typeProblems(): string[] {
  const manifests = kubernetesManifests();
  const source = manifests
    .map(
      ({ document }, index) =>
        `import type { I${document.kind} as T${index} } from 'kubernetes-models/${document.apiVersion}/${document.kind}';\n` +
        `export const manifest${index}: T${index} = ${JSON.stringify(document, null, 2)};`,
    )
    .join('\n');
  const path = join(mkdtempSync(join(tmpdir(), 'kubernetes-manifests-')), 'manifests.ts');
  writeFileSync(path, source);
  const program = ts.createProgram([path], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    baseUrl: ROOT,
    paths: { 'kubernetes-models/*': ['node_modules/kubernetes-models/*'] },
    types: [],
  });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    if (diagnostic.file === undefined || diagnostic.start === undefined) return message;
    // Name the manifest the diagnostic falls in, not the generated file's line.
    const before = diagnostic.file.text.slice(0, diagnostic.start);
    const index = (before.match(/export const manifest/g) ?? []).length - 1;
    return `${manifests[index]?.file ?? 'manifest'} (${manifests[index]?.document.kind ?? '?'}): ${message}`;
  });
}

async function main(): Promise<void> {
  const problems = [...(await schemaProblems()), ...typeProblems()];
  if (problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}\n`);
    process.exit(1);
  }
  process.stdout.write(`${kubernetesManifests().length} manifests valid against the Kubernetes schemas and types\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
