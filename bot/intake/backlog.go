package intake

import (
	"context"
	"fmt"
)

// overflowPrefix marks backlog entries that are not messages to run again
// but text kept for staff (see intentRun.overflow).
const overflowPrefix = "overflow:"

// ReplayBacklog runs kept messages through the desk again, in the order
// they came, and pushes the replies to the customer. It stops at the first
// message that still fails: the cause (a store down) is likely still there.
func (d *Desk) ReplayBacklog(ctx context.Context) (int, error) {
	items, err := d.backlog.Waiting(ctx, 100)
	if err != nil {
		return 0, fmt.Errorf("read backlog: %w", err)
	}
	done := 0
	for _, it := range items {
		replies, err := d.process(ctx, it.In)
		if err != nil {
			return done, fmt.Errorf("replay kept message: %w", err)
		}
		if err := d.backlog.Handled(ctx, it.ID, d.now()); err != nil {
			return done, err
		}
		d.notify.Push(ctx, it.In.From, replies)
		done++
	}
	return done, nil
}
