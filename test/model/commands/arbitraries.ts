/**
 * The pieces commands are made of: which device acts, which target it picks from the model's
 * lists (an index, cycled), and the data it sends — a few values, so equal and different data
 * both happen.
 *
 * @module
 */
import fc from 'fast-check'
import { deviceNames } from '../model.js'

export const device = fc.constantFrom(...deviceNames)
export const index = fc.nat({ max: 1_000 })
export const answerData = fc.constantFrom('', 'yes', 'no')
export const inviteData = fc.constantFrom('ring', 'room 42')
/** Now and then an online-only invitation: never stored, and its follow-ups inherit it. */
export const onlineUserOnly = fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, { arbitrary: fc.constant(true), weight: 1 })
/** Seconds; 0 (no timeout) now and then, else short enough for runs to pass deadlines. */
export const timeout = fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.integer({ min: 1, max: 20 }), weight: 4 })
