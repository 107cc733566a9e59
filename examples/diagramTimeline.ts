/**
 * The examples' timeline, also telling a sequence diagram what each app did and was told, so any
 * run of the demo or of the scenarios can be drawn (`npm run demo -- --mermaid`, `npm run diagrams`).
 */
import type { Clock, Signaling } from '@beckon/core'
import type { SequenceRecorder } from '@beckon/adapter-memory'
import { Timeline } from './timeline.js'

export class DiagramTimeline extends Timeline {
  readonly #diagram: SequenceRecorder

  constructor(clock: Clock, diagram: SequenceRecorder, print?: (line: string) => void) {
    super(clock, print)
    this.#diagram = diagram
  }

  override act(who: string, text: string): void {
    super.act(who, text)
    this.#diagram.act(who, text)
  }

  override note(text: string): void {
    super.note(text)
    this.#diagram.note(text)
  }

  override watch(who: string, signaling: Signaling): void {
    super.watch(who, signaling)
    this.#diagram.watch(signaling)
  }
}
