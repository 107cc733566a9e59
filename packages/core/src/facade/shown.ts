/**
 * How an error message shows a value the caller gave: short JSON, or what kind of thing it was, so
 * a message can say what was expected and what was given without dumping a large value.
 *
 * @module
 */

/** A value as a message shows it: its JSON where short, else its type. */
export const shown = (value: unknown): string => {
  if (value === undefined) return 'undefined'
  if (typeof value === 'function') return 'a function'
  if (typeof value === 'bigint') return `${value}n`
  try {
    const json = JSON.stringify(value)
    return json.length <= 60 ? json : `a ${Array.isArray(value) ? 'list' : typeof value} (${json.length} characters as JSON)`
  } catch {
    return typeof value
  }
}
