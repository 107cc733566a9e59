/**
 * One device's panel in the browser demo: its status, its buttons, and the invitees it knows with
 * their machine's state, read live from the `inspect` option (the same inspection events the
 * Stately inspector gets).
 */
import type { InspectionEvent } from 'xstate'
import type { InspectionObserver } from '@beckon/core'

export interface Panel {
  readonly testID: string
  status(text: string, ringing?: boolean): void
  button(label: string, name: string, onClick: () => Promise<unknown> | void): HTMLButtonElement
  /** A line of text the panel shows under its status (e.g. raised hands). */
  line(name: string): HTMLElement
  /** Watches this device's invitees: pass it as `createSignaling({ inspect })`. */
  readonly inspect: InspectionObserver
}

const element = <K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, text = ''): HTMLElementTagNameMap[K] => {
  const node = document.createElement(tag)
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value)
  node.textContent = text
  return node
}

/** `alice/phone sees bob of <inviteID>` → `bob (#2)`, numbering invitations as they appear. */
const inviteeLabel = (actorID: string, aliases: Map<string, number>): string => {
  const match = / sees (.+) of (.+)$/.exec(actorID)
  if (match === null) return actorID
  const [, invitee, inviteID] = match as unknown as [string, string, string]
  if (!aliases.has(inviteID)) aliases.set(inviteID, aliases.size + 1)
  return `${invitee} (#${aliases.get(inviteID)!})`
}

const aliases = new Map<string, number>()

export const createPanel = (parent: HTMLElement, title: string, testID: string): Panel => {
  const root = element('article', { class: 'panel', 'data-testid': testID })
  const status = element('div', { class: 'status', 'data-testid': `${testID}-status` }, 'idle')
  const buttons = element('div')
  const lines = element('div')
  const machines = element('ul', { class: 'machines', 'data-testid': `${testID}-machines` })
  root.append(element('h3', {}, title), status, buttons, lines, machines)
  parent.append(root)
  const rows = new Map<string, HTMLLIElement>()

  const show = (event: InspectionEvent): void => {
    const id = event.actorRef.sessionId
    if (event.type === '@xstate.actor') {
      const row = element('li', { 'data-invitee': inviteeLabel((event.actorRef as { id?: string }).id ?? id, aliases) })
      rows.set(id, row)
      machines.append(row)
    }
    const row = rows.get(id)
    if (row === undefined || (event.type !== '@xstate.actor' && event.type !== '@xstate.snapshot')) return
    const snapshot = (event.type === '@xstate.snapshot' ? event.snapshot : event.actorRef.getSnapshot()) as { value?: unknown }
    row.dataset.state = String(snapshot.value)
    row.textContent = `${row.dataset.invitee ?? ''}: ${String(snapshot.value)}`
  }

  return {
    testID,
    status: (text, ringing = false) => {
      status.textContent = text
      root.classList.toggle('ringing', ringing)
    },
    button: (label, name, onClick) => {
      const button = element('button', { 'data-testid': `${testID}-${name}` }, label)
      button.addEventListener('click', () => void Promise.resolve(onClick()).catch((error: unknown) => (status.textContent = `error: ${error instanceof Error ? error.message : String(error)}`)))
      buttons.append(button)
      return button
    },
    line: (name) => {
      const line = element('div', { class: 'hands', 'data-testid': `${testID}-${name}` })
      lines.append(line)
      return line
    },
    inspect: { next: show },
  }
}
