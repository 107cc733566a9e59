/**
 * `accept(inviteID, data)` on a device whose user is invited (SPEC §2, §3 "Rules"): resolves only
 * while that invitee is pending at the device and the deadline has not passed; 8010 otherwise,
 * 6014 when disconnected.
 */
import { answerCommand } from './answering.js'

export const acceptCommand = answerCommand('accept')
