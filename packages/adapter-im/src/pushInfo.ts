/**
 * What the app says about push, and the `<body>` that carries `offlinePushInfo` to its push
 * service: plain data, apart from `push.ts`'s stanzas, so that the package's published types and
 * an app server's code need nothing of `@xmpp/client`.
 *
 * @module
 */
import type { OfflinePushInfo } from '@beckon/core'

/** The XEP-0357 app server this device's notifications go to. */
export interface PushService {
  /** The app server's JID, e.g. `push.example.org` (a component or a server of the app's own). */
  readonly jid: string
  /** The node at the app server that stands for this device (typically made from its APNs/FCM token). */
  readonly node: string
  /**
   * Publish options the server sends along with every notification (XEP-0357 §5, form type
   * `http://jabber.org/protocol/pubsub#publish-options`): credentials such as `secret`, which
   * the app server checks. Omitted: none.
   */
  readonly publishOptions?: Readonly<Record<string, string>>
}

/**
 * The `<body>` text that carries `info` to the push service, or `undefined` when nothing should
 * be pushed (no info, or `disablePush`). Only the fields given are written.
 */
export const pushBody = (info: OfflinePushInfo | undefined): string | undefined => {
  if (info === undefined || info.disablePush === true) return undefined
  const { title, description, extension } = info
  return JSON.stringify({ offlinePushInfo: { title, description, extension } })
}

/** Read what {@link pushBody} wrote (an app server's side); `undefined` for any other text. */
export const readPushBody = (body: string | null | undefined): Omit<OfflinePushInfo, 'disablePush'> | undefined => {
  if (typeof body !== 'string') return undefined
  try {
    const parsed: unknown = JSON.parse(body)
    const info = typeof parsed === 'object' && parsed !== null ? (parsed as { offlinePushInfo?: unknown }).offlinePushInfo : undefined
    if (typeof info !== 'object' || info === null) return undefined
    const { title, description, extension } = info as Record<string, unknown>
    return {
      ...(typeof title === 'string' ? { title } : {}),
      ...(typeof description === 'string' ? { description } : {}),
      ...(typeof extension === 'string' ? { extension } : {}),
    }
  } catch {
    return undefined
  }
}
