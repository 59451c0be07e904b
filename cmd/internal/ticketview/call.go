package ticketview

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/sla"
	"github.com/hotline-desk/hotline/bot/ticket"
	"github.com/hotline-desk/hotline/cmd/internal/clitime"
	"github.com/hotline-desk/hotline/conversation"
)

// CallFlags are the call hotline ticket new enters, as its flags give it.
type CallFlags struct {
	Unit, Contact, Phone, Channel, Description, Room, At string
	Severity                                             int
}

// Call checks the flags and builds the call they describe.
func (f CallFlags) Call(loc *time.Location, now time.Time, unit func(string) (bot.Unit, bool)) (ticket.Call, error) {
	for _, req := range []struct{ name, val string }{{"unit", f.Unit}, {"contact", f.Contact}, {"phone", f.Phone},
		{"channel", f.Channel}, {"description", f.Description}} {
		if strings.TrimSpace(req.val) == "" {
			return ticket.Call{}, fmt.Errorf("--%s is required", req.name)
		}
	}
	if !slices.Contains(bot.StaffChannels, f.Channel) {
		return ticket.Call{}, fmt.Errorf("--channel %q: want phone, email, visit or other", f.Channel)
	}
	if f.Severity < 1 || f.Severity > sla.Severities {
		return ticket.Call{}, errors.New("--severity: want 1 (fatal) to 5 (suggestion)")
	}
	if _, ok := conversation.NormalisePhone(f.Phone); !ok {
		return ticket.Call{}, fmt.Errorf("--phone %q: want a mobile number (11 digits) or a landline with its area code, like 0459-1234567", f.Phone)
	}
	at, bucket := now, now.Truncate(callKeyWindow)
	if f.At != "" {
		var err error
		if at, err = clitime.ParseAt(f.At, loc); err != nil {
			return ticket.Call{}, err
		}
		bucket = at
	}
	switch {
	case at.After(now.Add(time.Minute)):
		return ticket.Call{}, fmt.Errorf("--at %s is in the future", f.At)
	case now.Sub(at) > 30*24*time.Hour:
		return ticket.Call{}, fmt.Errorf("--at %s is more than 30 days ago", f.At)
	case utf8.RuneCountInString(f.Description) > 4000:
		return ticket.Call{}, errors.New("--description: longer than 4000 characters")
	}
	c := ticket.Call{Channel: f.Channel, Unit: f.Unit, Contact: f.Contact, Phone: f.Phone, Room: f.Room,
		Description: f.Description, Severity: f.Severity, At: at}
	if err := c.Check(now); err != nil {
		return c, err
	}
	if u, ok := unit(c.Unit); ok {
		c.Unit = u.Name // the policy's spelling, as /new's pick list gives it
	}
	// The same call entered twice (a retried command) opens one ticket: the
	// key is the call and its time, or without --at the ten minutes it was
	// entered in.
	sum := sha256.Sum256([]byte(strings.Join([]string{c.Channel, bot.UnitKey(c.Unit), c.Phone, strconv.Itoa(c.Severity),
		c.Description, strconv.FormatInt(bucket.Unix(), 10)}, "\x00")))
	c.Key = "cli:" + hex.EncodeToString(sum[:12])
	return c, nil
}

// callKeyWindow is how long a ticket new without --at counts as a retry of
// the same call.
const callKeyWindow = 10 * time.Minute
