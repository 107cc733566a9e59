/**
 * Every command, as the arbitraries `fc.commands` draws from. fast-check picks among the listed
 * arbitraries uniformly, so a command's weight is how many times it is listed: deliveries are
 * what move a run on (one invite to the group is five deliveries), so they come most often.
 *
 * @module
 */
import type fc from 'fast-check'
import type { Model } from '../model.js'
import type { World } from '../world.js'
import { acceptCommand } from './accept.js'
import { advanceClockCommand } from './advanceClock.js'
import { cancelCommand } from './cancel.js'
import { deliverCommand } from './deliver.js'
import { disconnectCommand } from './disconnect.js'
import { dropCommand } from './drop.js'
import { duplicateCommand } from './duplicate.js'
import { inviteCommand } from './invite.js'
import { inviteInGroupCommand } from './inviteInGroup.js'
import { modifyCommand } from './modify.js'
import { reconnectCommand } from './reconnect.js'
import { rejectCommand } from './reject.js'
import { reorderCommand } from './reorder.js'

type CommandArbitrary = fc.Arbitrary<fc.AsyncCommand<Model, World>>

const weights: readonly (readonly [CommandArbitrary, number])[] = [
  [inviteCommand, 2],
  [inviteInGroupCommand, 2],
  [acceptCommand, 2],
  [rejectCommand, 2],
  [cancelCommand, 1],
  [modifyCommand, 1],
  [advanceClockCommand, 2],
  [disconnectCommand, 1],
  [reconnectCommand, 1],
  [deliverCommand, 7],
  [duplicateCommand, 1],
  [reorderCommand, 2],
  [dropCommand, 1],
]

export const allCommands: CommandArbitrary[] = weights.flatMap(([command, weight]) => Array.from({ length: weight }, () => command))
