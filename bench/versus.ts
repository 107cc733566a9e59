/**
 * `npm run bench:versus -- [ref] [--rounds N] [--lifecycles N]`: the facade's figures for this
 * checkout and for another commit (`main` by default), measured side by side in one run — 1:1
 * lifecycles per second over the direct IM (`facade.ts`), in wall time and in CPU time, and µs of
 * CPU time per received message (`receive.bench.ts`, its facade and decode rows).
 *
 * A figure taken on a busy machine says little alone, and one taken before a change and one
 * after, minutes apart, compare two loads as much as two versions of the code. Here both versions
 * are bundled once, every sample runs in a fresh process, and the two alternate round by round in
 * a random order, so whatever else the machine does hits both alike. The ratio of medians is the
 * figure to read.
 *
 * The other commit is exported with `git archive` into a temporary directory that borrows this
 * checkout's `node_modules` (its own workspace packages linked to its own sources).
 *
 * @module
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type BuildOptions } from 'esbuild'
import { spreadOf } from './stats.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..')
const args = process.argv.slice(2)
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(name)
  return at >= 0 ? Number(args[at + 1]) : fallback
}
const ref = args.find((arg, i) => !arg.startsWith('--') && !args[i - 1]?.startsWith('--')) ?? 'main'
const rounds = option('--rounds', 5)
const lifecycles = option('--lifecycles', 20_000)

const work = mkdtempSync(join(tmpdir(), 'beckon-versus-'))
process.on('exit', () => rmSync(work, { recursive: true, force: true }))

/** A copy of `ref`'s tree whose imports resolve to its own sources and to this checkout's dependencies. */
const exportRef = (): string => {
  const tree = join(work, 'tree')
  mkdirSync(tree)
  execFileSync('sh', ['-c', `git -C "${root}" archive "${ref}" | tar -x -C "${tree}"`])
  const modules = join(tree, 'node_modules')
  mkdirSync(join(modules, '@beckon'), { recursive: true })
  for (const entry of readdirSync(join(root, 'node_modules'))) {
    if (entry !== '@beckon') symlinkSync(join(root, 'node_modules', entry), join(modules, entry))
  }
  for (const pkg of readdirSync(join(tree, 'packages'))) symlinkSync(join(tree, 'packages', pkg), join(modules, '@beckon', pkg))
  return tree
}

interface Contender {
  readonly name: string
  readonly lifecycles: string
  readonly receive: string
}

/**
 * The child that takes one lifecycle sample: its rate in wall time (what `npm run bench` prints)
 * and in CPU time of the whole process, warm-up included, which other processes on a busy
 * machine move far less.
 */
const lifecycleChild = `
import { sampleFacade } from './facade.js'
const lifecycles = Number(process.argv[2])
const before = process.cpuUsage()
const { ms } = await sampleFacade('direct', lifecycles)
const { user, system } = process.cpuUsage(before)
const warm = Math.min(lifecycles, 4_000)
console.log(JSON.stringify({ wall: (lifecycles * 1e3) / ms, cpu: ((lifecycles + warm) * 1e6) / (user + system) }))
`

const bundle = async (name: string, tree: string): Promise<Contender> => {
  const out = (file: string) => join(work, `${name}-${file}.mjs`)
  const common: BuildOptions = { bundle: true, platform: 'node', format: 'esm', target: 'node20', conditions: ['source'], logLevel: 'warning' }
  await build({ ...common, stdin: { contents: lifecycleChild, resolveDir: join(tree, 'bench'), loader: 'ts' }, outfile: out('lifecycles') })
  await build({ ...common, entryPoints: [join(tree, 'bench', 'receive.bench.ts')], outfile: out('receive') })
  return { name, lifecycles: out('lifecycles'), receive: out('receive') }
}

const runNode = (script: string, arg?: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', script, ...(arg === undefined ? [] : [arg])], { stdio: ['ignore', 'pipe', 'inherit'] })
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()))
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${script} exited with ${code}`))))
  })

const rows = ['lifecycles/s', 'lifecycles/CPU-s', 'receive µs', 'decode µs'] as const
type Figures = Record<(typeof rows)[number], number[]>

const sampleOnce = async (contender: Contender, figures: Figures): Promise<void> => {
  const rate = JSON.parse((await runNode(contender.lifecycles, String(lifecycles))).trim().split('\n').at(-1)!) as { wall: number; cpu: number }
  figures['lifecycles/s'].push(rate.wall)
  figures['lifecycles/CPU-s'].push(rate.cpu)
  const receive = await runNode(contender.receive)
  const number = (label: string) => Number(new RegExp(`^${label}: ([\\d.]+)`, 'm').exec(receive)?.[1] ?? Number.NaN)
  figures['receive µs'].push(number('facade'))
  figures['decode µs'].push(number('decode'))
}

const main = async (): Promise<void> => {
  const contenders = [await bundle(ref, exportRef()), await bundle('this checkout', root)]
  const figures = new Map(contenders.map((c) => [c, Object.fromEntries(rows.map((row) => [row, []])) as unknown as Figures]))
  for (let round = 0; round < rounds; round++) {
    const order = Math.random() < 0.5 ? contenders : [...contenders].reverse()
    for (const contender of order) await sampleOnce(contender, figures.get(contender)!)
    process.stderr.write('.')
  }
  process.stderr.write('\n')
  console.log(`${lifecycles.toLocaleString('en')} lifecycles per sample, ${rounds} rounds alternating in random order; min / median / max`)
  for (const row of rows) {
    const [before, after] = contenders.map((c) => spreadOf(figures.get(c)![row])!)
    const show = (s: typeof before) => `${s!.min.toFixed(2)} / ${s!.median.toFixed(2)} / ${s!.max.toFixed(2)}`
    console.log(`${row.padEnd(16)} ${ref}: ${show(before)}   this checkout: ${show(after)}   ratio ${(after!.median / before!.median).toFixed(2)}×`)
  }
}

await main()
