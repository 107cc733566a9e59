/**
 * Link settings: how the simulated network treats deliveries from a sending user to a receiving
 * device (latency, loss, duplication, reordering), set for every link or for some.
 *
 * @module
 */

/**
 * How the network treats the server → device leg of a delivery.
 *
 * - `latency`: milliseconds, fixed or drawn uniformly (whole ms) from `{ min, max }`; default 0.
 * - `loss`: probability that a delivery to a device is dropped for good; default 0.
 * - `duplicate`: probability that a delivery arrives twice; default 0.
 * - `reorder`: `false` (default) keeps each link FIFO even with random latency (a message waits
 *   for the one before it, as on one TCP connection); `true` draws each message's latency
 *   independently, so later messages may overtake.
 */
export interface LinkSettings {
  readonly latency?: number | { readonly min: number; readonly max: number }
  readonly loss?: number
  readonly duplicate?: number
  readonly reorder?: boolean
}

/**
 * Which links a {@link LinkSettings} applies to: messages sent by user `from` to devices of user
 * `to`; a missing side means any user.
 */
export interface LinkScope {
  readonly from?: string
  readonly to?: string
}

/** Link settings with every field decided. */
export interface ResolvedLink {
  readonly latency: { readonly min: number; readonly max: number }
  readonly loss: number
  readonly duplicate: number
  readonly reorder: boolean
}

const probability = (name: string, value: number | undefined): void => {
  if (value !== undefined && !(value >= 0 && value <= 1)) throw new RangeError(`link ${name} must be a probability in [0, 1], got ${value}`)
}

const milliseconds = (name: string, value: number): void => {
  if (!(Number.isFinite(value) && value >= 0)) throw new RangeError(`link ${name} must be a finite number of ms >= 0, got ${value}`)
}

/** Reject settings that cannot mean anything (negative latency, probability above 1, ...). */
const validateLink = (settings: LinkSettings): void => {
  const { latency } = settings
  if (typeof latency === 'number') milliseconds('latency', latency)
  else if (latency !== undefined) {
    milliseconds('latency.min', latency.min)
    milliseconds('latency.max', latency.max)
    if (latency.min > latency.max) throw new RangeError(`link latency.min (${latency.min}) exceeds latency.max (${latency.max})`)
  }
  probability('loss', settings.loss)
  probability('duplicate', settings.duplicate)
}

interface Rule {
  readonly scope: LinkScope
  readonly settings: LinkSettings
}

const specificity = ({ scope }: Rule): number => (scope.from === undefined ? 0 : 1) + (scope.to === undefined ? 0 : 1)

/**
 * The link settings in force. A link's settings are layered field by field: the defaults, then
 * rules for any sender or any recipient, then rules for this sender and this recipient; among
 * rules equally specific, the one set last wins.
 */
export class LinkTable {
  readonly #rules: Rule[] = []
  /** Resolved settings by sender, then recipient; cleared when a rule is added (a group's fan-out resolves each link once). */
  readonly #resolved = new Map<string, Map<string, ResolvedLink>>()
  /** The settings of every link, while no rule names a sender or a recipient. */
  #uniform: ResolvedLink | undefined

  constructor(defaults: LinkSettings = {}) {
    this.set(defaults, {})
  }

  /** Add settings for the links in `scope` (all links when it is empty). */
  set(settings: LinkSettings, scope: LinkScope): void {
    validateLink(settings)
    this.#rules.push({ scope: { ...scope }, settings: { ...settings } })
    this.#resolved.clear()
    this.#uniform = this.#rules.every(({ scope }) => specificity({ scope, settings: {} }) === 0) ? this.#layer('', '') : undefined
  }

  /** The settings of every link, while no rule names a sender or a recipient. */
  get uniform(): ResolvedLink | undefined {
    return this.#uniform
  }

  /** The settings of the link from user `from` to a device of user `to`. */
  resolve(from: string, to: string): ResolvedLink {
    if (this.#uniform !== undefined) return this.#uniform
    let byRecipient = this.#resolved.get(from)
    if (byRecipient === undefined) this.#resolved.set(from, (byRecipient = new Map()))
    let link = byRecipient.get(to)
    if (link === undefined) byRecipient.set(to, (link = this.#layer(from, to)))
    return link
  }

  #layer(from: string, to: string): ResolvedLink {
    const applicable = this.#rules
      .filter(({ scope }) => (scope.from === undefined || scope.from === from) && (scope.to === undefined || scope.to === to))
      .sort((a, b) => specificity(a) - specificity(b)) // stable: equally specific rules keep their order
    let resolved: ResolvedLink = { latency: { min: 0, max: 0 }, loss: 0, duplicate: 0, reorder: false }
    for (const { settings } of applicable) {
      const { latency } = settings
      resolved = {
        latency: latency === undefined ? resolved.latency : typeof latency === 'number' ? { min: latency, max: latency } : latency,
        loss: settings.loss ?? resolved.loss,
        duplicate: settings.duplicate ?? resolved.duplicate,
        reorder: settings.reorder ?? resolved.reorder,
      }
    }
    return resolved
  }
}
