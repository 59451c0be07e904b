package main

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/hotline-desk/hotline/adapters/wechat/wechattest"
)

// msgIDs gives every message of the run its own MsgId.
var msgIDs atomic.Int64

func textFrom(openID, text string) []byte {
	return wechattest.TextMessage(account, openID, text, msgIDs.Add(1), time.Now())
}

// ceilingDriver sends one customer's text messages to the bare server.
type ceilingDriver struct{ openID string }

func (d *ceilingDriver) next() (exchange, bool) {
	return exchange{body: textFrom(d.openID, "打印机无法连接，所有窗口都不能打印"), want: ceilingText}, true
}

func (d *ceilingDriver) done(bool) {}

// dialogueStep is one message of the report dialogue and what hotline
// answers it (conversation/text.go): the menus are pushed, so the HTTP
// answer is success; the plain questions come back as passive replies.
type dialogueStep struct {
	text string
	want string
	vary bool // text has a %d for a counter, so no two descriptions are alike
}

// reportDialogue takes a new customer from a description to the summary.
var reportDialogue = []dialogueStep{
	{text: "打印机无法连接，所有窗口都不能打印（%d）", want: success, vary: true}, // severity menu pushed
	{text: "2", want: "请问您的单位名称是？"},
	{text: loadUnit, want: "请问怎么称呼您？"},
	{text: "李四", want: "请留下联系电话"},
	{text: "13800138000", want: "请问您的房间号是？"},
	{text: "302", want: success}, // summary menu pushed
}

// cancelStep gives the draft up at the summary, so the customer can start
// again: phase b's dialogue is reportDialogue then this, round and round.
var cancelStep = dialogueStep{text: "取消", want: "已取消本次报修"}

// confirmStep opens the ticket.
var confirmStep = dialogueStep{text: "确认", want: "工单号 #"}

func (s dialogueStep) exchange(openID string) exchange {
	text := s.text
	if s.vary {
		text = fmt.Sprintf(s.text, msgIDs.Load())
	}
	return exchange{body: textFrom(openID, text), want: s.want}
}

// stepsDriver walks its customers through the dialogue in turns: one
// message from each, then the next message from each, and so on.
type stepsDriver struct {
	customers []string
	at        []int // each customer's next step
	turn      int
	steps     []dialogueStep
}

func newStepsDriver(customers []string) *stepsDriver {
	return &stepsDriver{customers: customers, at: make([]int, len(customers)),
		steps: append(append([]dialogueStep(nil), reportDialogue...), cancelStep)}
}

func (d *stepsDriver) next() (exchange, bool) {
	i := d.turn % len(d.customers)
	d.turn++
	s := d.steps[d.at[i]]
	d.at[i] = (d.at[i] + 1) % len(d.steps)
	return s.exchange(d.customers[i]), true
}

// done: a step that failed leaves the dialogue wherever hotline left it;
// the next steps then count as errors too, which is what an error costs.
func (d *stepsDriver) done(bool) {}

// prepareDriver takes each of its customers through reportDialogue, one
// customer after the other, and notes those that reached the summary.
type prepareDriver struct {
	customers []string
	ready     []bool
	i, step   int
	failed    bool
}

func (d *prepareDriver) next() (exchange, bool) {
	if d.i >= len(d.customers) {
		return exchange{}, false
	}
	return reportDialogue[d.step].exchange(d.customers[d.i]), true
}

func (d *prepareDriver) done(ok bool) {
	d.failed = d.failed || !ok
	d.step++
	if d.step < len(reportDialogue) {
		return
	}
	d.ready[d.i] = !d.failed
	d.i, d.step, d.failed = d.i+1, 0, false
}

// confirmDriver sends 确认 for the prepared customers, shared among the
// connections, each customer once.
type confirmDriver struct {
	queue     *confirmQueue
	confirmed int // answered with the ticket reply
}

type confirmQueue struct {
	customers []string
	next      atomic.Int64
}

func (d *confirmDriver) next() (exchange, bool) {
	i := int(d.queue.next.Add(1) - 1)
	if i >= len(d.queue.customers) {
		return exchange{}, false
	}
	return confirmStep.exchange(d.queue.customers[i]), true
}

func (d *confirmDriver) done(ok bool) {
	if ok {
		d.confirmed++
	}
}

// share deals n customers named prefix-0 … out to conns connections.
func share(prefix string, n, conns int) [][]string {
	out := make([][]string, conns)
	for i := range n {
		out[i%conns] = append(out[i%conns], fmt.Sprintf("%s-%d", prefix, i))
	}
	return out
}
