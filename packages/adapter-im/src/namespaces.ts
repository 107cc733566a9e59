/**
 * The XML namespaces the adapter speaks, in one place.
 *
 * @module
 */

/** beckon's payload element: `<signal xmlns='urn:beckon:signaling:1' at='…'>envelope JSON</signal>`. */
export const NS_SIGNAL = 'urn:beckon:signaling:1'
/** XEP-0334 message processing hints. */
export const NS_HINTS = 'urn:xmpp:hints'
/** XEP-0359 unique and stable stanza ids. */
export const NS_SID = 'urn:xmpp:sid:0'
/** XEP-0280 message carbons. */
export const NS_CARBONS = 'urn:xmpp:carbons:2'
/** XEP-0297 stanza forwarding. */
export const NS_FORWARD = 'urn:xmpp:forward:0'
/** XEP-0203 delayed delivery. */
export const NS_DELAY = 'urn:xmpp:delay'
/** XEP-0308 last message correction. */
export const NS_CORRECT = 'urn:xmpp:message-correct:0'
/** XEP-0313 message archive management. */
export const NS_MAM = 'urn:xmpp:mam:2'
/** XEP-0059 result set management. */
export const NS_RSM = 'http://jabber.org/protocol/rsm'
/** XEP-0004 data forms. */
export const NS_DATA = 'jabber:x:data'
/** XEP-0202 entity time. */
export const NS_TIME = 'urn:xmpp:time'
/** XEP-0030 service discovery. */
export const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info'
/** XEP-0045 multi-user chat and its sub-protocols. */
export const NS_MUC = 'http://jabber.org/protocol/muc'
export const NS_MUC_USER = 'http://jabber.org/protocol/muc#user'
export const NS_MUC_ADMIN = 'http://jabber.org/protocol/muc#admin'
export const NS_MUC_OWNER = 'http://jabber.org/protocol/muc#owner'
/** XEP-0077 in-band registration, which XEP-0045 reuses for registering with a room. */
export const NS_REGISTER = 'jabber:iq:register'
/** XEP-0249 direct MUC invitations. */
export const NS_CONFERENCE = 'jabber:x:conference'
/** XEP-0357 push notifications. */
export const NS_PUSH = 'urn:xmpp:push:0'
/** XEP-0198 stream management: acknowledgements. */
export const NS_SM = 'urn:xmpp:sm:3'
