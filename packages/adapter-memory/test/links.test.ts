import { describe, expect, it } from 'vitest'
import { LinkTable } from '../src/links.js'

describe('LinkTable', () => {
  it('is instant and reliable by default', () => {
    expect(new LinkTable().resolve('a', 'b')).toEqual({ latency: { min: 0, max: 0 }, loss: 0, duplicate: 0, reorder: false })
  })

  it('applies the defaults it was made with to every link', () => {
    const links = new LinkTable({ latency: 20, loss: 0.1 })
    expect(links.resolve('a', 'b')).toMatchObject({ latency: { min: 20, max: 20 }, loss: 0.1 })
  })

  it('layers settings field by field, keeping what a later rule leaves out', () => {
    const links = new LinkTable({ latency: 20 })
    links.set({ loss: 0.5 }, { to: 'bob' })
    expect(links.resolve('alice', 'bob')).toMatchObject({ latency: { min: 20, max: 20 }, loss: 0.5 })
    expect(links.resolve('alice', 'carol')).toMatchObject({ loss: 0 })
  })

  it('lets a more specific scope win over a less specific one set later', () => {
    const links = new LinkTable()
    links.set({ latency: 100 }, { from: 'alice', to: 'bob' })
    links.set({ latency: 50 }, { to: 'bob' })
    links.set({ latency: 10 }, {})
    expect(links.resolve('alice', 'bob').latency).toEqual({ min: 100, max: 100 })
    expect(links.resolve('carol', 'bob').latency).toEqual({ min: 50, max: 50 })
    expect(links.resolve('carol', 'dave').latency).toEqual({ min: 10, max: 10 })
  })

  it('lets the latest of equally specific rules win', () => {
    const links = new LinkTable()
    links.set({ loss: 0.1 }, { from: 'alice' })
    links.set({ loss: 0.2 }, { to: 'bob' })
    expect(links.resolve('alice', 'bob').loss).toBe(0.2)
  })

  it('rejects settings that mean nothing', () => {
    const links = new LinkTable()
    expect(() => links.set({ loss: 1.5 }, {})).toThrow(RangeError)
    expect(() => links.set({ duplicate: -0.1 }, {})).toThrow(RangeError)
    expect(() => links.set({ latency: -1 }, {})).toThrow(RangeError)
    expect(() => links.set({ latency: { min: 10, max: 5 } }, {})).toThrow(RangeError)
    expect(() => links.set({ latency: Number.POSITIVE_INFINITY }, {})).toThrow(RangeError)
  })
})
