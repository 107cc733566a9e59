/**
 * A scratch app in a temporary directory that installs the packed tarballs the way a user's app
 * installs them from the registry: the `.tgz` files for beckon's packages, npm's cache (else the
 * registry) for their dependencies. Then it is used as an ES module app, a CommonJS app and a
 * strict TypeScript app would use it.
 */
import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Tarball } from './tarballs.js'
import { run, runNode } from './run.js'

const consumer = join(dirname(fileURLToPath(import.meta.url)), 'consumer')

/** Writes the scratch app's package.json and sources; returns nothing, throws on I/O errors. */
export const createScratchApp = (dir: string): void => {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'beckon-scratch-app', private: true, type: 'module' }, null, 2))
  for (const file of readdirSync(consumer)) copyFileSync(join(consumer, file), join(dir, file))
}

/** Installs the tarballs; says where each beckon package and xstate landed. */
export const install = (dir: string, tarballs: readonly Tarball[]): string => {
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs.map((t) => t.path)], { cwd: dir })
  const nested = tarballs
    .map((t) => join(dir, 'node_modules', t.name, 'node_modules'))
    .filter((p) => existsSync(p) && readdirSync(p).length > 0)
  if (nested.length > 0) throw new Error(`dependencies installed twice, under ${nested.join(', ')}`)
  const version = (name: string): string =>
    (JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version
  return `installed ${tarballs.map((t) => `${t.name}@${version(t.name)}`).join(', ')}; one xstate (${version('xstate')}, the peer), fp-ts ${version('fp-ts')}, io-ts ${version('io-ts')}`
}

/** Runs the ES module consumer; returns what it printed. */
export const runEsm = (dir: string): string => runNode(['esm.mjs'], { cwd: dir }).trim()

/** Runs the CommonJS consumer; returns what it printed. */
export const runCommonJs = (dir: string): string => runNode(['cjs.cjs'], { cwd: dir }).trim()

/** The first ```ts block of each package README, written into the scratch app to be compiled. */
export const writeReadmeExamples = (dir: string, root: string, packages: readonly string[]): string[] =>
  packages.map((pkg) => {
    const readme = readFileSync(join(root, pkg, 'README.md'), 'utf8')
    const block = /```ts\n([\s\S]*?)```/.exec(readme)
    if (block?.[1] === undefined) throw new Error(`${pkg}/README.md has no \`\`\`ts example`)
    const file = `readme-${pkg.split('/').pop() ?? pkg}.ts`
    // `export {}` keeps each example a module of its own (top-level await, no shared names).
    writeFileSync(join(dir, file), `${block[1]}\nexport {}\n`)
    return file
  })

const strictOptions = {
  strict: true,
  noEmit: true,
  target: 'es2022',
  lib: ['es2022', 'dom'],
  types: [],
  // The shipped declarations are checked too, not only the app's use of them.
  skipLibCheck: false,
}

/**
 * Compiles the typed consumer and the README examples with `tsc --strict`, once as a Node app
 * (`nodenext`) and once as a bundled app (`bundler`), against the declarations in the tarballs.
 */
export const typeCheck = (dir: string, root: string, files: readonly string[]): string => {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  const settings = [
    { name: 'nodenext', module: 'nodenext', moduleResolution: 'nodenext' },
    { name: 'bundler', module: 'preserve', moduleResolution: 'bundler' },
  ]
  for (const { name, ...resolution } of settings) {
    const config = `tsconfig.${name}.json`
    writeFileSync(join(dir, config), JSON.stringify({ compilerOptions: { ...strictOptions, ...resolution }, files }, null, 2))
    runNode([tsc, '-p', config], { cwd: dir })
  }
  return `tsc --strict (skipLibCheck off) clean for ${files.join(', ')} under ${settings.map((s) => s.name).join(' and ')} resolution`
}
