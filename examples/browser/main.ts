/**
 * The browser demo: the seed's scenarios on MemoryIm inside the page. A caller (alice), a callee
 * on two devices (bob's phone and laptop), a teacher and three students; each device is a panel
 * with what rings, the buttons its user would press, and its invitees' machine states; the run is
 * drawn as a Mermaid sequence diagram as it grows.
 */
import mermaid from 'mermaid'
import { createSignaling, systemClock, type Signaling } from '@beckon/core'
import { MemoryIm, SequenceRecorder } from '@beckon/adapter-memory'
import { createPanel, type Panel } from './panel.js'

const im = new MemoryIm({ clock: systemClock, seed: 1, network: { latency: { min: 20, max: 80 } } })
const diagram = new SequenceRecorder(systemClock, { groupsOnce: true })
let counter = 0

const device = (parent: HTMLElement, userID: string, deviceID: string, title: string): { signaling: Signaling; panel: Panel } => {
  const panel = createPanel(parent, title, deviceID === 'default' ? userID : `${userID}-${deviceID}`)
  const transport = diagram.transport(im.connect(userID, { deviceID }))
  // Ids from a counter: the page needs no secure context for crypto.randomUUID.
  const signaling = createSignaling({ transport, inspect: panel.inspect, ids: () => `${String(++counter).padStart(6, '0')}-${userID}-${deviceID}` })
  diagram.watch(signaling)
  return { signaling, panel }
}

// -------------------------------------------------------------------------------------------------
// The call: alice calls bob, who has a phone and a laptop
// -------------------------------------------------------------------------------------------------

const callRow = document.querySelector<HTMLElement>('#call')!
const alice = device(callRow, 'alice', 'default', 'alice')
const bobDevices = [device(callRow, 'bob', 'phone', 'bob — phone'), device(callRow, 'bob', 'laptop', 'bob — laptop')]
let call: string | undefined

alice.panel.button('Call bob', 'call', async () => {
  alice.panel.status('calling bob…')
  call = await alice.signaling.invite('bob', JSON.stringify({ room_id: 42 }), { timeout: 20 })
})
alice.panel.button('Hang up', 'cancel', async () => {
  if (call === undefined) return
  await alice.signaling.cancel(call)
  alice.panel.status('call cancelled')
})
alice.signaling.addSignalingListener({
  onInviteeAccepted: () => alice.panel.status('in call with bob'),
  onInviteeRejected: () => alice.panel.status('bob declined'),
  onInvitationTimeout: () => alice.panel.status('no answer'),
})

for (const bob of bobDevices) {
  let ringing: string | undefined
  let answeredHere = false
  bob.panel.button('Accept', 'accept', async () => {
    if (ringing === undefined) return
    answeredHere = true
    await bob.signaling.accept(ringing)
    bob.panel.status('in call with alice')
  })
  bob.panel.button('Reject', 'reject', async () => {
    if (ringing === undefined) return
    answeredHere = true
    await bob.signaling.reject(ringing)
    bob.panel.status('declined')
  })
  bob.signaling.addSignalingListener({
    onReceiveNewInvitation: (id, inviter) => {
      ringing = id
      answeredHere = false
      bob.panel.status(`ringing: ${inviter} is calling`, true)
    },
    onInviteeAccepted: () => void (answeredHere || bob.panel.status('answered on another device')),
    onInviteeRejected: () => void (answeredHere || bob.panel.status('declined on another device')),
    onInvitationCancelled: (_id, inviter) => bob.panel.status(`missed call from ${inviter}`),
    onInvitationTimeout: () => bob.panel.status('missed call from alice'),
  })
}

// -------------------------------------------------------------------------------------------------
// The classroom: a teacher asks, students raise hands, every member sees every hand
// -------------------------------------------------------------------------------------------------

const classRow = document.querySelector<HTMLElement>('#classroom')!
const groupID = 'class-7'
const students = ['student1', 'student2', 'student3']
const teacher = device(classRow, 'teacher', 'default', 'teacher')
const members = [teacher, ...students.map((name) => device(classRow, name, 'default', name))]
let round: string | undefined

for (const member of members) {
  const hands = member.panel.line('hands')
  const raised: string[] = []
  hands.textContent = 'hands up: —'
  const show = () => (hands.textContent = `hands up: ${raised.length === 0 ? '—' : raised.join(', ')}`)
  member.signaling.addSignalingListener({
    onReceiveNewInvitation: (id) => {
      round = id
      raised.length = 0
      show()
      member.panel.status('the teacher asks a question', member !== teacher)
    },
    onInviteeAccepted: (_id, student) => {
      if (!raised.includes(student)) raised.push(student)
      show()
    },
    onInvitationCancelled: () => member.panel.status('round closed'),
  })
  if (member === teacher) continue
  member.panel.button('Raise hand', 'raise', async () => {
    if (round === undefined) return
    await member.signaling.accept(round)
    if (!raised.includes(member.signaling.userID)) raised.push(member.signaling.userID)
    show()
    member.panel.status('hand raised')
  })
}
teacher.panel.button('Ask the class', 'ask', async () => {
  round = await teacher.signaling.inviteInGroup(groupID, students, JSON.stringify({ kind: 'raise-hands' }), { timeout: 0 })
  teacher.panel.status('waiting for hands')
})
teacher.panel.button('Close round', 'close', async () => {
  if (round === undefined) return
  await teacher.signaling.cancel(round)
  teacher.panel.status('round closed')
})

// -------------------------------------------------------------------------------------------------
// Scenarios, played by pressing the same buttons
// -------------------------------------------------------------------------------------------------

const press = (testID: string) => document.querySelector<HTMLButtonElement>(`[data-testid="${testID}"]`)!.click()
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const scenarios: Record<string, readonly (readonly [string, number])[]> = {
  'play-call': [['alice-call', 1_000], ['bob-laptop-accept', 800]],
  'play-missed': [['alice-call', 1_000], ['alice-cancel', 800]],
  'play-classroom': [['teacher-ask', 800], ['student2-raise', 400], ['student3-raise', 600], ['teacher-close', 600]],
}
for (const [name, steps] of Object.entries(scenarios)) {
  document.querySelector(`[data-testid="${name}"]`)!.addEventListener('click', () => {
    void (async () => {
      for (const [button, wait] of steps) {
        press(button)
        await pause(wait)
      }
    })()
  })
}

// -------------------------------------------------------------------------------------------------
// The diagram, redrawn as the run grows
// -------------------------------------------------------------------------------------------------

mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', sequence: { mirrorActors: false } })
const source = document.querySelector<HTMLElement>('#mermaid-source')!
const target = document.querySelector<HTMLElement>('#diagram')!
const failure = document.querySelector<HTMLElement>('[data-testid="diagram-error"]')!
let drawn = ''
let renders = 0
const redraw = async (): Promise<void> => {
  const text = diagram.toMermaid()
  if (text === drawn || !text.includes('->>')) return
  drawn = text
  source.textContent = text
  try {
    const { svg } = await mermaid.render(`run-${++renders}`, text)
    target.innerHTML = svg
    failure.hidden = true
  } catch (error) {
    failure.hidden = false
    failure.textContent = `the diagram did not render: ${error instanceof Error ? error.message : String(error)}`
  }
}
setInterval(() => void redraw(), 400)

/** Renders any Mermaid text with this page's Mermaid: the end-to-end suite checks the README's generated diagrams with it. */
Object.assign(globalThis, { renderMermaid: async (text: string) => (await mermaid.render(`check-${++renders}`, text)).svg.length })

await im.connect('teacher').createGroup(groupID, students)
document.body.dataset.ready = 'true'
