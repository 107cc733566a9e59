/**
 * Devices on one `MemoryIm` that use the Tencent-Web-shaped facade, each recording every event
 * object its handlers receive, so a test reads what an app written for Tencent's Web SDK sees.
 *
 * @module
 */
import {
  createTencentWebSignaling,
  SignalingError,
  TencentWebError,
  TSignaling,
  tSignalingEventNames,
  type TencentWebEvent,
  type TencentWebFacadeOptions,
  type TencentWebSignaling,
} from '@beckon/core'
import { MemoryIm, type MemoryTransport } from '@beckon/adapter-memory'
import { counterIds } from '../support/world.js'

/** One device on the Tencent Web facade and every event it received. */
export interface WebParty {
  readonly chat: TencentWebSignaling
  readonly transport: MemoryTransport
  readonly events: TencentWebEvent[]
  /** The events of one name, in order. */
  eventsNamed(name: string): TencentWebEvent[]
}


/** Connects `userID` to `im` with the Tencent Web facade and records every event of every name. */
export const webParty = (im: MemoryIm, userID: string, options: TencentWebFacadeOptions & { deviceID?: string } = {}): WebParty => {
  const { deviceID = 'default', ...facade } = options
  const transport = im.connect(userID, { deviceID })
  const chat = createTencentWebSignaling({ transport, ids: counterIds(`${userID}:`), ...facade })
  const events: TencentWebEvent[] = []
  for (const name of tSignalingEventNames) chat.addSignalingListener(name, (event) => void events.push(event))
  return { chat, transport, events, eventsNamed: (name) => events.filter((event) => event.name === name) }
}

/** How a call ended: the response, or the error's class, codes and message; a synchronous throw counts too. */
export const outcomeOf = async (call: () => Promise<unknown>): Promise<unknown> => {
  try {
    return await call()
  } catch (error) {
    if (error instanceof TencentWebError) return { error: 'TencentWebError', code: error.code, beckonCode: error.beckonCode, message: error.message }
    if (error instanceof SignalingError) return { error: 'SignalingError', code: error.code, message: error.message }
    return { error: error instanceof Error ? error.name : typeof error, message: error instanceof Error ? error.message : String(error) }
  }
}

export { counterIds, TSignaling }
