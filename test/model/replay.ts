/**
 * Replaying a failure. A failing run prints its seed, its path and the commands' replay path;
 * set them in the environment to run exactly that case again, without shrinking:
 *
 * ```sh
 * BECKON_MODEL_SEED=-1234 BECKON_MODEL_PATH='7:1:0' BECKON_MODEL_REPLAY_PATH='AAB:F' \
 *   npx vitest run test/model
 * ```
 *
 * which is `fc.check(property, { seed, path, endOnFailure: true })` with
 * `fc.commands(..., { replayPath })`.
 *
 * @module
 */
import type fc from 'fast-check'

export interface Replay {
  readonly parameters: Pick<fc.Parameters<unknown>, 'seed' | 'path' | 'endOnFailure'>
  readonly replayPath: string | undefined
}

export const replayFromEnvironment = (env: NodeJS.ProcessEnv = process.env): Replay => {
  const seed = env.BECKON_MODEL_SEED
  if (seed === undefined || seed === '') return { parameters: {}, replayPath: undefined }
  const path = env.BECKON_MODEL_PATH
  return {
    parameters: { seed: Number(seed), ...(path === undefined || path === '' ? {} : { path }), endOnFailure: true },
    replayPath: env.BECKON_MODEL_REPLAY_PATH || undefined,
  }
}

/** The failure message: how to replay first, then the commands and what went wrong. */
export const failureReport = <Ts extends readonly [boolean, boolean, unknown]>(details: fc.RunDetails<Ts>): string => {
  const counterexample = String(details.counterexample?.[2] ?? '')
  const replayPath = /replayPath="([^"]*)"/.exec(counterexample)?.[1] ?? ''
  const env = `BECKON_MODEL_SEED=${details.seed} BECKON_MODEL_PATH='${details.counterexamplePath ?? ''}' BECKON_MODEL_REPLAY_PATH='${replayPath}'`
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)
  return [
    `model run failed after ${details.numRuns} run(s) and ${details.numShrinks} shrink(s)`,
    `seed: ${details.seed}, path: ${JSON.stringify(details.counterexamplePath)}, replayPath: ${JSON.stringify(replayPath)}`,
    `replay: ${env} npx vitest run test/model/model.test.ts`,
    `lossy: ${String(details.counterexample?.[0])}, descending ids: ${String(details.counterexample?.[1])}`,
    `commands: ${counterexample}`,
    '',
    error,
  ].join('\n')
}
