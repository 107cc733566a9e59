/**
 * The words of a bad call: `parameter: expected …, got …`. Every check of what the app hands the
 * facade says its problem this way, so a message names the parameter, what was expected and what
 * was given, and a misspelled key is answered with the name it was probably meant to be.
 *
 * @module
 */

const maxPreview = 40

const clip = (text: string): string => (text.length > maxPreview ? `${text.slice(0, maxPreview - 3)}...` : text)

/**
 * A short description of any value for an error message, as JSON where it can be (`"yes"`, `42`,
 * `{"inviteID":"x"}`). Never throws: values come from the app and may be a BigInt, a cycle, or a
 * proxy that throws on every read.
 */
export const preview = (value: unknown): string => {
  try {
    switch (typeof value) {
      case 'bigint':
        return `${value}n`
      case 'symbol':
        return value.toString()
      case 'function':
        return 'a function'
      case 'undefined':
        return 'undefined'
      case 'number':
        return String(value)
      case 'object':
        return value === null ? 'null' : clip(JSON.stringify(value))
      default:
        return clip(JSON.stringify(value) ?? String(value))
    }
  } catch {
    // JSON.stringify throws on cycles and BigInts inside; a proxy may throw on anything.
    return Array.isArray(value) ? 'an array that cannot be read as JSON' : `an ${typeof value} that cannot be read as JSON`
  }
}

/** `name: expected what, got <value>`. */
export const expected = (name: string, what: string, value: unknown): string => `${name}: expected ${what}, got ${preview(value)}`

/** Edit distance (insertions, deletions, substitutions), for suggesting the name a key was meant to be. */
const distance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]!
}

/** The known name `key` is most likely a misspelling of, if one is close enough. */
export const nearest = (key: string, known: readonly string[]): string | undefined => {
  const lower = key.toLowerCase()
  const near = (name: string) => (name.toLowerCase() === lower ? 0 : distance(lower, name.toLowerCase()))
  const best = [...known].sort((a, b) => near(a) - near(b))[0]
  return best !== undefined && near(best) <= (key.length <= 4 ? 1 : 2) ? best : undefined
}

/**
 * `name.key: not <kind> (did you mean x?); expected a, b, c` — for a key that is none of `known`.
 */
export const unknownKey = (name: string, key: string, kind: string, known: readonly string[]): string => {
  const guess = nearest(key, known)
  return `${name}.${key}: not ${kind}${guess === undefined ? '' : ` (did you mean ${guess}?)`}; expected ${known.join(', ')}`
}

/** The first own key of `record` that is not one of `known`, if any. */
export const strayKey = (record: object, known: readonly string[]): string | undefined => Object.keys(record).find((key) => !known.includes(key))

/** A plain object: not `null`, not an array, not a function. */
export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
