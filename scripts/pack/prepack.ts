/**
 * Every package's `prepack`: builds the package in the working directory from a clean slate, so
 * `npm pack` and `npm publish` always ship a fresh `dist/` — also from a clone that was never built.
 *
 * A plain `tsc -b` is not enough: it trusts `tsconfig.tsbuildinfo`, so after `dist/` was deleted it
 * reports "up to date" and emits nothing, and it never removes the output of a deleted source file.
 * Removing both first makes the tarball hold exactly what the current sources compile to.
 * Referenced projects (`@beckon/core` for the adapters) are built by `tsc -b` when out of date.
 */
import { spawnSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { createRequire } from 'node:module'

rmSync('dist', { recursive: true, force: true })
rmSync('tsconfig.tsbuildinfo', { force: true })

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const build = spawnSync(process.execPath, [tsc, '-b'], { stdio: 'inherit' })
process.exit(build.status ?? 1)
