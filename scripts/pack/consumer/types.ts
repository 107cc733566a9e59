/**
 * Compiled with `tsc --strict` against the shipped declarations (never run): the public API as an
 * app would use it, with the types an app would write down.
 */
import { createSignaling, SignalingError, type Signaling, type SignalingListener, type InvitationView, type ImTransport } from '@beckon/core'
import { MemoryIm } from '@beckon/adapter-memory'
import { connectXmpp, type XmppTransportOptions } from '@beckon/adapter-im'

const im = new MemoryIm()
const transport: ImTransport = im.connect('alice')
const signaling: Signaling = createSignaling({ transport })

const listener: SignalingListener = {
  onReceiveNewInvitation(inviteID: string, inviter: string, groupID: string, inviteeList: string[], data: string) {
    void signaling.accept(inviteID, `${inviter}${groupID}${inviteeList.length}${data}`)
  },
}
const unsubscribe: () => void = signaling.addSignalingListener(listener)

export const call = async (): Promise<number> => {
  try {
    const inviteID: string = await signaling.invite('bob', '{}', { timeout: 30, onlineUserOnly: false })
    const view: InvitationView | undefined = signaling.getInvitation(inviteID)
    return view?.inviteeList.length ?? 0
  } catch (e) {
    if (e instanceof SignalingError) return e.code
    throw e
  } finally {
    unsubscribe()
  }
}

const options: XmppTransportOptions = { service: 'xmpp://127.0.0.1:5222', domain: 'example.org', userID: 'alice', password: 'secret' }
export const overXmpp = (): Signaling => createSignaling({ transport: connectXmpp(options) })
