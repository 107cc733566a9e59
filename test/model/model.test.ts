/**
 * Model-based tests (SPEC §3): random sequences of commands — invites 1:1 and in a group,
 * answers, cancels, modifications, time passing, devices going offline and coming back, and a
 * network that delivers, duplicates, reorders and loses messages on command — over MemoryIm in
 * manual mode, with alice and bob on two devices each, carol and dave on one, and a group `g` of
 * all four. Each command checks its own promise as it runs, and law 2 after every command; at the
 * end the world heals (everyone reconnects, everything held is delivered, every deadline passes)
 * and the laws below are checked on every device's final views and journal.
 *
 * Runs: `BECKON_MODEL_RUNS` (default 8,000: 23–29 s measured on a 2-core machine, alone or next
 * to the other suites; `BECKON_MODEL_RUNS=100000` takes about 5 minutes). A failure prints its seed, path and replay path, and the command line that
 * replays it (see ./replay.ts).
 */
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { allCommands } from './commands/index.js'
import { addTally, figures, summaryLine } from './figures.js'
import { heal } from './heal.js'
import { expectConvergence, expectLatestModificationHolds, expectNoStrangerHolds, expectNoTimeoutWithoutDeadline, expectOneReportPerFact, expectReportsMatchViews, undecidedInvitations } from './laws.js'
import { deviceNames, initialModel, type Model } from './model.js'
import { failureReport, replayFromEnvironment } from './replay.js'
import { World } from './world.js'

const runs = Number(process.env.BECKON_MODEL_RUNS ?? 8_000)
const replay = replayFromEnvironment()
const MAX_COMMANDS = 60

const openWithoutTimeout = (world: World, model: Model): number =>
  model.invitations.filter(
    (invitation) =>
      invitation.timeout === 0 &&
      deviceNames.some((name) => world.device(name).signaling.getInvitation(invitation.inviteID)?.active === true),
  ).length

/** An assertion's message shortens what it compared; the report shows it whole. */
const explain = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error)
  const { actual, expected } = error as Error & { actual?: unknown; expected?: unknown }
  if (actual === undefined && expected === undefined) return error.message
  return `${error.message}\nactual:   ${JSON.stringify(actual)}\nexpected: ${JSON.stringify(expected)}`
}

/** The failing run's trace of commands and deliveries, appended to its error. */
const withTrace = (error: unknown, world: World): Error =>
  new Error(`${explain(error)}\n\ntrace of the run:\n${world.trace.join('\n')}`, { cause: error })

const keepsTheLaws = async (lossy: boolean, descendingIds: boolean, commands: Iterable<fc.AsyncCommand<Model, World>>): Promise<void> => {
  const world = await World.create(descendingIds ? 'descending' : 'ascending')
  const model = initialModel(lossy)
  try {
    await fc.asyncModelRun(() => ({ model, real: world }), commands)
    await heal(world, model)

    // Law 1 (convergence): when nothing was dropped (and, for an online-only invitation, nobody
    // was offline), every device that holds an invitation — and that is every device of everyone
    // it concerns — ends with the same outcome, data and answering device for every invitee,
    // whatever order things arrived in.
    expectConvergence(world, model)

    // Law 2 (liveness): even with messages lost, every connected device that holds an invitation
    // with timeout > 0 has an outcome for every invitee by t + timeout + 10 s. Checked after every
    // command, at each deadline during the heal, and here on the final views.
    const undecided = undecidedInvitations(world, model)
    figures.undecided += undecided.length
    expect(undecided).toEqual([])

    // Also (SPEC §3 "Who sees what", §2 `timeout`): no device outside the invitation's users (or
    // the group's members) ever holds it, and nobody hears of a timeout of a timeout-0 invitation.
    expectNoStrangerHolds(world, model)
    expectNoTimeoutWithoutDeadline(world, model)

    // Law 3 (one callback per party per fact): no device is rung twice for one invitation, or
    // told the same outcome and data for the same invitee twice in a row.
    expectOneReportPerFact(world, model)

    // Law 4 (callbacks agree with the views): the last thing a device learned about an invitee,
    // from a callback or from its own command's resolved promise, is what its final view holds.
    expectReportsMatchViews(world)

    // Law 6 (the later modification wins): when nothing was lost, every holder ends with the data
    // of the last modification whose promise resolved (concurrent devices in one millisecond aside).
    expectLatestModificationHolds(world, model)

    // Law 5 (every promise settles): each command's promise resolved or rejected with a
    // SignalingError, with the code SPEC §2 gives for the device's state — checked as each command
    // ran (World.settle and the command's postcondition), since the IM answers every send at once.
  } catch (error) {
    throw withTrace(error, world)
  } finally {
    figures.runs++
    if (lossy) figures.lossyRuns++
    figures.openWithoutTimeout += openWithoutTimeout(world, model)
    addTally(world.tally)
  }
}

describe('random sequences of commands over a faulty network', () => {
  const started = performance.now()
  afterAll(() => {
    console.log(summaryLine((performance.now() - started) / 1000))
  })

  it(
    'keep the laws',
    async () => {
      const commands = fc.commands(allCommands, { maxCommands: MAX_COMMANDS, size: 'max', ...(replay.replayPath === undefined ? {} : { replayPath: replay.replayPath }) })
      const property = fc.asyncProperty(fc.boolean(), fc.boolean(), commands, keepsTheLaws)
      const details = await fc.check(property, { numRuns: runs, ...replay.parameters })
      if (details.failed) throw new Error(failureReport(details))
    },
    // A run takes about 3 ms; a hang is caught by the commands' own checks long before this.
    60_000 + runs * 30,
  )
})
