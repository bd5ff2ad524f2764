import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * The verification and preview threads load only what their work needs: a thread starts in about a tenth of a second,
 * and a run of the service starts many (one per pool slot, again after each recycle). Loading the application's
 * framework, database or payment libraries into each (NestJS alone took about 3 CPU seconds to load) would make every
 * thread cost what an app start does. This walks the imports that reach run time from each `*.worker.ts` under src and
 * fails when one of those packages is among them: a value import of an entity, a service or a module does that.
 */
const SRC = resolve(import.meta.dirname, '..', '..');
const FORBIDDEN = [
  /^@nestjs\//,
  /^typeorm$/,
  /^pg$/,
  /^pg-boss$/,
  /^stripe$/,
  /^@solana\//,
  /^litesvm$/,
  /^express$/,
  /^class-validator$/,
  /^class-transformer$/,
  /^nestjs-pino$/,
  /^passport/,
];

/** Specifiers of the imports and re-exports in `code` that exist at run time (not `import type`, not all-`type` specifiers). */
function runtimeSpecifiers(code: string): string[] {
  const source = ts.createSourceFile('module.ts', code, ts.ScriptTarget.Latest, false);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.phaseModifier === ts.SyntaxKind.TypeKeyword ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.every((element) => element.isTypeOnly)));
      if (!typeOnly) found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier) && !node.isTypeOnly) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const argument = node.arguments.at(0);
      if (argument && ts.isStringLiteralLike(argument)) found.push(argument.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * Single files of a forbidden package that carry no framework: the HTTP status enum's own module (what
 * common/errors/domain.exception.ts and storage/storage.exception.ts import, so that the errors the storage adapters
 * throw carry their status into the threads).
 */
const LEAVES = new Set(['@nestjs/common/enums/http-status.enum.js']);

/** The package name of a bare specifier: `@scope/name` or `name`. */
const packageOf = (specifier: string): string => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]);

/** The bare specifiers `entry` reaches at run time through our own modules, each with the chain of our files that leads there. */
function packagesReached(entry: string): Map<string, string[]> {
  const packages = new Map<string, string[]>();
  const seen = new Set<string>();
  const walk = (file: string, chain: string[]): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const here = [...chain, relative(SRC, file)];
    for (const specifier of runtimeSpecifiers(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) {
        const target = resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));
        if (!existsSync(target)) throw new Error(`${relative(SRC, file)} imports ${specifier}, which is not a TypeScript module of ours`);
        walk(target, here);
      } else if (!specifier.startsWith('node:')) {
        if (!packages.has(specifier)) packages.set(specifier, here);
      }
    }
  };
  walk(entry, []);
  return packages;
}

const workers = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? workers(join(dir, entry.name)) : entry.name.endsWith('.worker.ts') ? [join(dir, entry.name)] : [],
  );

describe('worker threads load only what their work needs', () => {
  const entries = workers(SRC);

  it('finds the verification and preview thread entries', () => {
    expect(entries.map((entry) => relative(SRC, entry)).sort()).toEqual([
      'ingestion/previews/capture-preview.worker.ts',
      'ingestion/verification/capture-verifier.worker.ts',
    ]);
  });

  it.each(entries.map((entry) => [relative(SRC, entry), entry]))('%s reaches no framework, database or payment package', (_name, entry) => {
    const reached = packagesReached(entry);
    const wrong = [...reached]
      .filter(([specifier]) => !LEAVES.has(specifier) && FORBIDDEN.some((pattern) => pattern.test(packageOf(specifier))))
      .map(([specifier, chain]) => `${specifier} via ${chain.join(' -> ')}`);
    expect(wrong).toEqual([]);
    // The walk does reach the packages the work needs (object storage), so an empty answer means nothing.
    expect([...reached.keys()].map(packageOf)).toContain('@aws-sdk/client-s3');
  });

  it('counts value imports, re-exports and dynamic imports, and not type-only ones', () => {
    const cases: [string, string[]][] = [
      ["import type { Repository } from 'typeorm';", []],
      ["import { type Repository, type DataSource } from 'typeorm';", []],
      ["import { Injectable } from '@nestjs/common';", ['@nestjs/common']],
      ["import { type Repository, DataSource } from 'typeorm';", ['typeorm']],
      ["import Stripe, { type Stripe as S } from 'stripe';", ['stripe']],
      ["export { Capture } from './capture.js';", ['./capture.js']],
      ["export type { Capture } from './capture.js';", []],
      ["const stripe = await import('stripe');", ['stripe']],
      ["import 'reflect-metadata';", ['reflect-metadata']],
    ];
    expect(cases.map(([code]) => [code, runtimeSpecifiers(code)])).toEqual(cases);
  });
});
