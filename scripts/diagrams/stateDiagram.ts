/**
 * A machine's diagram as Mermaid `stateDiagram-v2`, read from the machine's own definition (its
 * state nodes, their transitions, guards, actions and tags), so the picture cannot drift from the
 * code: `npm run diagrams` writes it where the docs show it and `--check` fails when it is stale.
 *
 * @module
 */
import type { AnyStateMachine } from 'xstate'

const nameOf = (ref: unknown): string => {
  if (typeof ref === 'string') return ref
  if (typeof ref === 'object' && ref !== null && 'type' in ref && typeof ref.type === 'string') return ref.type
  return 'inline'
}

interface Edge {
  readonly from: string
  readonly to: string
  readonly event: string
  readonly guard: string | undefined
  readonly actions: readonly string[]
}

/** Every transition of a flat machine, in document order. */
export const edgesOf = (machine: AnyStateMachine): Edge[] =>
  Object.entries(machine.root.states).flatMap(([from, node]) =>
    [...node.transitions.entries()].flatMap(([event, definitions]) =>
      definitions.flatMap((definition) =>
        (definition.target ?? []).map((target) => ({
          from,
          to: target.key,
          event,
          guard: definition.guard === undefined ? undefined : nameOf(definition.guard),
          actions: definition.actions.map(nameOf),
        })),
      ),
    ),
  )

/**
 * The diagram. Every edge is labelled with its event; a guard or action shared by every edge is
 * said once in a note instead of on each of them, which keeps a 25-edge machine readable.
 */
export const stateDiagramOf = (machine: AnyStateMachine): string => {
  const edges = edgesOf(machine)
  const shared = (pick: (edge: Edge) => string) => (edges.length > 0 && edges.every((e) => pick(e) === pick(edges[0]!)) ? pick(edges[0]!) : undefined)
  const sharedGuard = shared((e) => e.guard ?? '')
  const sharedActions = shared((e) => e.actions.join(', '))
  const label = (edge: Edge) =>
    [edge.event, sharedGuard === undefined && edge.guard !== undefined ? `[${edge.guard}]` : '', sharedActions === undefined && edge.actions.length > 0 ? `/ ${edge.actions.join(', ')}` : '']
      .filter((part) => part !== '')
      .join(' ')
  const initial = machine.root.initial?.target[0]?.key
  const lines = ['stateDiagram-v2', `  direction LR`]
  if (initial !== undefined) lines.push(`  [*] --> ${initial}`)
  for (const edge of edges) lines.push(`  ${edge.from} --> ${edge.to}: ${label(edge)}`)
  for (const [name, node] of Object.entries(machine.root.states)) {
    if (node.tags.length > 0) lines.push(`  note right of ${name}: tagged ${node.tags.join(', ')}`)
  }
  const notes = [
    sharedGuard !== undefined && sharedGuard !== '' ? `every transition is guarded by ${sharedGuard}` : '',
    sharedActions !== undefined && sharedActions !== '' ? `and runs ${sharedActions}` : '',
  ].filter((n) => n !== '')
  if (notes.length > 0 && initial !== undefined) lines.push(`  note left of ${initial}: ${notes.join(' ')}`)
  return lines.join('\n')
}
