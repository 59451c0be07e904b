package conversation

import (
	"strings"
	"testing"
	"time"
)

// t0 is when every fixture session last heard from the customer.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func text(s string) Event          { return Event{Kind: EventText, Text: s} }
func menu(id string) Event         { return Event{Kind: EventMenu, MenuID: id} }
func click(key string) Event       { return Event{Kind: EventClick, Key: key} }
func image(id string) Event        { return Event{Kind: EventImage, MediaID: id} }
func voice(id string) Event        { return Event{Kind: EventVoice, MediaID: id} }
func kind(k EventKind) Event       { return Event{Kind: k} }
func att(k, id string) *Attachment { return &Attachment{Kind: k, MediaID: id} }

// draftFor is a draft that has everything asked before the state st.
func draftFor(st State) *Draft {
	switch st {
	case StateProfile:
		st = StateUnit
	case StateEdit:
		st = StateSummary
	}
	d := &Draft{StartedAt: t0}
	order := []State{StateDescribe, StateSeverity, StateUnit, StateName, StatePhone, StateRoom, StateSummary}
	fill := []func(){
		func() { d.Description = "打印机连不上" },
		func() { d.Severity = 2 },
		func() { d.Unit = "公积金中心" },
		func() { d.Name = "张三" },
		func() { d.Phone = "13812345678" },
		func() { d.Room = "301" },
	}
	for i, s := range order {
		if s == st {
			break
		}
		fill[i]()
	}
	return d
}

// in is a session waiting in state st with the draft that leads there.
func in(st State) Session {
	s := Session{State: st, UpdatedAt: t0}
	if drafting(st) {
		s.Draft = draftFor(st)
	}
	return s
}

// with applies changes to a session, for fixtures that differ a little.
func with(s Session, change func(*Session)) Session {
	change(&s)
	return s
}

var zhang = Profile{Unit: "公积金中心", Name: "张三", Phone: "13812345678", Room: "301"}

// replyText is all replies of a step as the customer reads them.
func replyText(rs []Reply) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(r.Text)
		b.WriteString("\n---\n")
	}
	return b.String()
}

// wantReplies checks that the replies contain each of the phrases.
func wantReplies(t *testing.T, rs []Reply, phrases ...string) {
	t.Helper()
	all := replyText(rs)
	for _, p := range phrases {
		if !strings.Contains(all, p) {
			t.Errorf("replies lack %q; got:\n%s", p, all)
		}
	}
}
