import { describe, expect, it } from 'vitest'
import { TransportError } from '@beckon/core'
import { MemoryIm } from '../src/index.js'
import { onlineOnly, record, stored, toGroup } from './support.js'

const isFailure = (reason: string) => (e: unknown) => e instanceof TransportError && e.reason === reason

describe('group messages', () => {
  it('reach every device of every member except the sending device', async () => {
    // Arrange
    const im = new MemoryIm()
    const teacher = im.connect('teacher', { deviceID: 'desk' })
    const teacherTablet = record(im.connect('teacher', { deviceID: 'tablet' }))
    const ann = record(im.connect('ann'))
    const benPhone = record(im.connect('ben', { deviceID: 'phone' }))
    const benLaptop = record(im.connect('ben', { deviceID: 'laptop' }))
    const outsider = record(im.connect('eve'))
    const teacherDesk = record(teacher)
    await teacher.createGroup('class', ['ann', 'ben'])

    // Act
    const receipt = await teacher.send(toGroup('class'), 'who knows?', stored)
    await im.settle()

    // Assert
    for (const member of [ann, benPhone, benLaptop]) {
      expect(member.messages).toEqual([
        expect.objectContaining({ messageID: receipt.messageID, sender: 'teacher', senderDevice: 'desk', conversation: { kind: 'group', groupID: 'class' }, fromMyOtherDevice: false }),
      ])
    }
    expect(teacherTablet.messages).toEqual([expect.objectContaining({ fromMyOtherDevice: true, conversation: { kind: 'group', groupID: 'class' } })])
    expect(teacherDesk.messages).toEqual([])
    expect(outsider.messages).toEqual([])
  })

  it('are stored for members who are away, and not for later joiners', async () => {
    const im = new MemoryIm()
    const teacher = im.connect('teacher')
    const ann = im.connect('ann')
    const anns = record(ann)
    await teacher.createGroup('class', ['ann'])
    ann.disconnect()
    await teacher.send(toGroup('class'), 'homework', stored)
    const late = im.connect('late')
    await late.joinGroup('class')
    const lates = record(late)
    ann.connect()
    await im.settle()
    expect(anns.payloads()).toEqual(['homework'])
    expect(lates.payloads()).toEqual([])
  })

  it('online-only reach only members online at send time', async () => {
    const im = new MemoryIm()
    const teacher = im.connect('teacher')
    const ann = im.connect('ann')
    const anns = record(ann)
    const bens = record(im.connect('ben'))
    await teacher.createGroup('class', ['ann', 'ben'])
    ann.disconnect()
    await teacher.send(toGroup('class'), 'live', onlineOnly)
    ann.connect()
    await im.settle()
    expect(anns.payloads()).toEqual([])
    expect(bens.payloads()).toEqual(['live'])
  })

  it('fail with NotMember from a non-member and NoSuchGroup for an unknown group', async () => {
    const im = new MemoryIm()
    const teacher = im.connect('teacher')
    const eve = im.connect('eve')
    await teacher.createGroup('class', [])
    await expect(eve.send(toGroup('class'), 'x', stored)).rejects.toSatisfy(isFailure('NotMember'))
    await expect(eve.send(toGroup('nope'), 'x', stored)).rejects.toSatisfy(isFailure('NoSuchGroup'))
  })
})

describe('group management', () => {
  it('makes the creator a member and ignores duplicate members, keeping join order', async () => {
    const im = new MemoryIm()
    const teacher = im.connect('teacher')
    await teacher.createGroup('class', ['ben', 'ann', 'ben', 'teacher'])
    await im.connect('cat').joinGroup('class')
    await expect(teacher.getGroupMembers('class')).resolves.toEqual(['teacher', 'ben', 'ann', 'cat'])
  })

  it('fails with GroupExists for a taken id', async () => {
    const im = new MemoryIm()
    await im.connect('teacher').createGroup('class', [])
    await expect(im.connect('ann').createGroup('class', [])).rejects.toSatisfy(isFailure('GroupExists'))
  })

  it('fails with NoSuchGroup to join, quit, dismiss or list an unknown group', async () => {
    const ann = new MemoryIm().connect('ann')
    for (const operation of [ann.joinGroup('x'), ann.quitGroup('x'), ann.dismissGroup('x'), ann.getGroupMembers('x')]) {
      await expect(operation).rejects.toSatisfy(isFailure('NoSuchGroup'))
    }
  })

  it('fails with NotMember to quit a group one is not in', async () => {
    const im = new MemoryIm()
    await im.connect('teacher').createGroup('class', [])
    await expect(im.connect('ann').quitGroup('class')).rejects.toSatisfy(isFailure('NotMember'))
  })

  it('lets only the creator dismiss, else Rejected', async () => {
    const im = new MemoryIm()
    const teacher = im.connect('teacher')
    const ann = im.connect('ann')
    await teacher.createGroup('class', ['ann'])
    await expect(ann.dismissGroup('class')).rejects.toSatisfy(isFailure('Rejected'))
    await teacher.dismissGroup('class')
    await expect(teacher.getGroupMembers('class')).rejects.toSatisfy(isFailure('NoSuchGroup'))
    await expect(teacher.createGroup('class', [])).resolves.toBeUndefined()
  })

  it('treats joining twice as a no-op', async () => {
    const im = new MemoryIm()
    await im.connect('teacher').createGroup('class', ['ann'])
    const ann = im.connect('ann')
    await ann.joinGroup('class')
    await expect(ann.getGroupMembers('class')).resolves.toEqual(['teacher', 'ann'])
  })

  it('rejects malformed ids with a TypeError', async () => {
    const teacher = new MemoryIm().connect('teacher')
    await expect(teacher.createGroup('', [])).rejects.toThrow(TypeError)
    await expect(teacher.createGroup('class', [''])).rejects.toThrow(TypeError)
    await expect(teacher.createGroup('class', 'ann' as never)).rejects.toThrow(TypeError)
    await expect(teacher.joinGroup('')).rejects.toThrow(TypeError)
  })
})

describe('membership events', () => {
  it('announce nothing when a group is created: its members read the list instead', async () => {
    const im = new MemoryIm()
    const [teacher, ann] = [im.connect('teacher'), im.connect('ann')]
    const [teachers, anns] = [record(teacher), record(ann)]
    await teacher.createGroup('class', ['ann'])
    await im.settle()
    expect(anns.membership).toEqual([])
    expect(teachers.membership).toEqual([])
    expect(await ann.getGroupMembers('class')).toEqual(['teacher', 'ann'])
  })

  it('tell every member, the joiner and the leaver included, on their online devices', async () => {
    // Arrange
    const im = new MemoryIm()
    const teacher = im.connect('teacher')
    await teacher.createGroup('class', [])
    await im.settle()
    const teachers = record(teacher)
    const ben = im.connect('ben')
    const bens = record(ben)
    const outsiders = record(im.connect('eve'))

    // Act
    await ben.joinGroup('class')
    await ben.quitGroup('class')
    await im.settle()

    // Assert
    const expected = [
      { type: 'memberJoined', groupID: 'class', userID: 'ben' },
      { type: 'memberLeft', groupID: 'class', userID: 'ben' },
    ]
    expect(teachers.membership).toEqual(expected)
    expect(bens.membership).toEqual(expected)
    expect(outsiders.membership).toEqual([])
  })

  it('tell every member when the group is dismissed', async () => {
    const im = new MemoryIm()
    const teacher = im.connect('teacher')
    const anns = record(im.connect('ann'))
    await teacher.createGroup('class', ['ann'])
    await im.settle()
    anns.membership.length = 0
    await teacher.dismissGroup('class')
    await im.settle()
    expect(anns.membership).toEqual([{ type: 'groupDismissed', groupID: 'class' }])
  })

  it('are not stored for devices that are away', async () => {
    const im = new MemoryIm()
    const teacher = im.connect('teacher')
    const ann = im.connect('ann')
    await teacher.createGroup('class', ['ann'])
    await im.settle()
    const anns = record(ann)
    ann.disconnect()
    await teacher.dismissGroup('class')
    ann.connect()
    await im.settle()
    expect(anns.membership).toEqual([])
  })

  it('arrive after the call returns, not inside it', async () => {
    const im = new MemoryIm()
    const teacher = im.connect('teacher')
    const teachers = record(teacher)
    await teacher.createGroup('class', [])
    await im.connect('ann').joinGroup('class')
    expect(teachers.membership).toEqual([])
    await im.settle()
    expect(teachers.membership).toHaveLength(1)
  })
})
