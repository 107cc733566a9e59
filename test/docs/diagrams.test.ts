/**
 * The diagrams in the docs are generated from the code (`npm run diagrams`); this fails when one
 * is out of date, so a change to the machine or to a flow cannot leave a stale picture behind.
 */
import { describe, expect, it } from 'vitest'
import { setup } from 'xstate'
import { inviteeMachine } from '@beckon/core'
import { fill, staleFiles } from '../../scripts/diagrams/cli.js'
import { edgesOf, stateDiagramOf } from '../../scripts/diagrams/stateDiagram.js'

describe('generated diagrams', () => {
  it('the README and the machine’s TSDoc show what the code gives now', async () => {
    expect(await staleFiles()).toEqual([])
  })

  it('draws every transition of the invitee machine’s definition, and its initial state', () => {
    const diagram = stateDiagramOf(inviteeMachine).split('\n')
    expect(diagram).toContain('  [*] --> pending')
    for (const edge of edgesOf(inviteeMachine)) expect(diagram).toContain(`  ${edge.from} --> ${edge.to}: ${edge.event}`)
    expect(edgesOf(inviteeMachine)).toHaveLength(6 + 4 * 5) // pending also expires; every outcome takes the five message facts
  })

  it('follows the machine it is given: guards and actions that differ are drawn on their edges', () => {
    const door = setup({ guards: { unlocked: () => true }, actions: { log: () => {} } }).createMachine({
      id: 'door',
      initial: 'closed',
      states: { closed: { on: { open: { target: 'open', guard: 'unlocked' } } }, open: { on: { close: { target: 'closed', actions: 'log' } } } },
    })
    expect(stateDiagramOf(door).split('\n')).toEqual(['stateDiagram-v2', '  direction LR', '  [*] --> closed', '  closed --> open: open [unlocked]', '  open --> closed: close / log'])
  })

  it('replaces only what lies between a block’s markers, keeping the comment prefix', () => {
    const text = 'before\n * <!-- diagram:machine -->\n * stale\n * <!-- /diagram:machine -->\nafter'
    expect(fill(text, { machine: 'a\nb' }, ' * ')).toBe('before\n * <!-- diagram:machine -->\n * ```mermaid\n * a\n * b\n * ```\n * <!-- /diagram:machine -->\nafter')
    expect(() => fill('<!-- diagram:nope -->\n<!-- /diagram:nope -->', {}, '')).toThrow(/nope/)
  })

  it('fills an empty block in place, leaving a later block of the same name its own', () => {
    const text = '<!-- diagram:m -->\n<!-- /diagram:m -->\nbetween\n<!-- diagram:m -->\nold\n<!-- /diagram:m -->'
    const block = '<!-- diagram:m -->\n```mermaid\nx\n```\n<!-- /diagram:m -->'
    expect(fill(text, { m: 'x' }, '')).toBe(`${block}\nbetween\n${block}`)
  })
})
