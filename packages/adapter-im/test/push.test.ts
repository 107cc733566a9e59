import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { readSignal } from '../src/decode.js'
import { NS_PUSH } from '../src/namespaces.js'
import { disableRequest, enableRequest, pushBody, pushNotices, readPushBody } from '../src/push.js'
import { userMessage } from '../src/stanzas.js'

const service = { jid: 'push.example.org', node: 'device-token', publishOptions: { secret: 's3cret' } }

describe('push registration stanzas', () => {
  it('enables with the service’s jid and node, and its publish options as a submitted form', () => {
    const enable = enableRequest(service).getChild('enable', NS_PUSH)
    expect(enable?.attrs).toMatchObject({ jid: 'push.example.org', node: 'device-token' })
    const fields = enable?.getChild('x', 'jabber:x:data')?.getChildren('field').map((f) => [f.attrs['var'], f.getChildText('value')])
    expect(fields).toEqual([['FORM_TYPE', 'http://jabber.org/protocol/pubsub#publish-options'], ['secret', 's3cret']])
  })

  it('sends no form when there are no publish options, and disables by jid and node', () => {
    expect(enableRequest({ jid: 'push.example.org', node: 'n' }).getChild('enable', NS_PUSH)?.getChild('x', 'jabber:x:data')).toBeUndefined()
    expect(disableRequest(service).getChild('disable', NS_PUSH)?.attrs).toMatchObject({ jid: 'push.example.org', node: 'device-token' })
  })
})

describe('the push body', () => {
  // Law: what an app server reads back from the body is exactly the push info the app gave
  // (its title, description and extension), whatever the strings hold.
  test.prop([fc.option(fc.string(), { nil: undefined }), fc.option(fc.string(), { nil: undefined }), fc.option(fc.string(), { nil: undefined })])(
    'round-trips title, description and extension',
    (title, description, extension) => {
      const info = { ...(title === undefined ? {} : { title }), ...(description === undefined ? {} : { description }), ...(extension === undefined ? {} : { extension }) }
      expect(readPushBody(pushBody(info))).toEqual(info)
    },
  )

  it('is absent without push info or with disablePush', () => {
    expect(pushBody(undefined)).toBeUndefined()
    expect(pushBody({ title: 't', disablePush: true })).toBeUndefined()
  })

  it('reads nothing from a body that is not beckon’s push info', () => {
    for (const body of [undefined, null, '', 'hello', '{"title":"x"}', '{"offlinePushInfo":7}', '[]']) expect(readPushBody(body)).toBeUndefined()
  })

  it('travels as the <body> of the 1:1 message, beside the signal, which stays as it was', () => {
    const signal = { id: 'm1', payload: '{"actionType":1}', at: 1_700_000_000_123, onlineOnly: false }
    const body = pushBody({ description: 'Incoming call' })
    const message = userMessage('bob@localhost', { ...signal, ...(body === undefined ? {} : { pushBody: body }) }, 'alice@localhost/laptop')
    expect(readPushBody(message.getChildText('body'))).toEqual({ description: 'Incoming call' })
    expect(readSignal(message)).toMatchObject({ id: 'm1', payload: signal.payload })
    expect(userMessage('bob@localhost', signal).getChild('body')).toBeUndefined()
  })
})

describe('group push notices', () => {
  it('go to every other member as stored, body-only chat messages that the sender’s other devices do not get', () => {
    const notices = pushNotices(['alice@localhost', 'bob@localhost', 'carol@localhost'], 'alice@localhost', 'm1', 'BODY')
    expect(notices.map((n) => n.attrs['to'])).toEqual(['bob@localhost', 'carol@localhost'])
    expect(new Set(notices.map((n) => n.attrs['id'])).size).toBe(2)
    for (const notice of notices) {
      expect(notice.attrs['type']).toBe('chat')
      expect(notice.getChildText('body')).toBe('BODY')
      expect(notice.getChild('store', 'urn:xmpp:hints')).toBeDefined()
      expect(notice.getChild('no-copy', 'urn:xmpp:hints')).toBeDefined()
      expect(readSignal(notice)).toBeUndefined()
    }
  })
})
