/**
 * `npm run diagrams`: writes every generated diagram where the docs show it, between markers
 * `<!-- diagram:NAME -->` and `<!-- /diagram:NAME -->` (in the README, and in the invitee
 * machine's TSDoc, where each line carries the comment's ` * `).
 * `npm run diagrams -- --check`: writes nothing, and fails naming each block that is out of date
 * (the test suite runs the same check, see `test/docs/diagrams.test.ts`).
 *
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { inviteeMachine } from '@beckon/core'
import { clusterTopology } from '../ejabberd/topology.js'
import { acceptCancelRace, answeredOnAnotherDevice, classroomRound, oneToOneCall } from './runs.js'
import { stateDiagramOf } from './stateDiagram.js'

const root = fileURLToPath(new URL('../../', import.meta.url))

/** Every generated block by name. */
export const generateBlocks = async (): Promise<Record<string, string>> => ({
  machine: stateDiagramOf(inviteeMachine),
  'one-to-one-call': await oneToOneCall(),
  'two-devices': await answeredOnAnotherDevice(),
  'accept-cancel-race': await acceptCancelRace(),
  classroom: await classroomRound(),
  'cluster-topology': clusterTopology(),
})

/** Where the blocks go, and the prefix each line of a block carries there. */
const targets: readonly { readonly file: string; readonly linePrefix: string }[] = [
  { file: 'README.md', linePrefix: '' },
  { file: 'packages/core/src/machine/inviteeMachine.ts', linePrefix: ' * ' },
]

// A block's body is whole lines none of which is its closing marker, so an empty block cannot
// reach past its own end into a later block of the same name.
const marker = /^(?<indent>[ *]*)<!-- diagram:(?<name>[a-z0-9-]+) -->\n(?:(?![ *]*<!-- \/diagram:\k<name> -->$).*\n)*[ *]*<!-- \/diagram:\k<name> -->$/gm

/** `text` with every marked block replaced by its generated content; throws on an unknown name. */
export const fill = (text: string, blocks: Record<string, string>, linePrefix: string): string =>
  text.replace(marker, (_whole, indent: string, name: string) => {
    const block = blocks[name]
    if (block === undefined) throw new Error(`no diagram is generated under the name ${name}`)
    const body = ['```mermaid', ...block.split('\n'), '```'].map((line) => `${linePrefix}${line}`.trimEnd())
    return [`${indent}<!-- diagram:${name} -->`, ...body, `${indent}<!-- /diagram:${name} -->`].join('\n')
  })

/** The files whose generated blocks differ from what the code gives now. */
export const staleFiles = async (): Promise<string[]> => {
  const blocks = await generateBlocks()
  return targets.filter(({ file, linePrefix }) => {
    const text = readFileSync(root + file, 'utf8')
    return fill(text, blocks, linePrefix) !== text
  }).map(({ file }) => file)
}

const main = async (): Promise<void> => {
  if (process.argv.includes('--check')) {
    const stale = await staleFiles()
    if (stale.length === 0) return console.log('diagrams: every generated diagram is up to date')
    console.error(`diagrams: out of date in ${stale.join(', ')} — run \`npm run diagrams\` and commit the result`)
    process.exit(1)
  }
  const blocks = await generateBlocks()
  for (const { file, linePrefix } of targets) {
    const text = readFileSync(root + file, 'utf8')
    const next = fill(text, blocks, linePrefix)
    if (next !== text) writeFileSync(root + file, next)
    console.log(`diagrams: ${file} ${next === text ? 'already up to date' : 'updated'}`)
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main()
