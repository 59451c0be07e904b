package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"
)

// Staff is a member of the vendor's staff: engineer, lead, manager,
// quality or dispatcher, with the units they serve and the hours they are
// on duty.
type Staff struct {
	ID             int64      `db:"id"`
	Number         string     `db:"number"` // 工号
	Name           string     `db:"name"`
	RolesText      string     `db:"roles"` // comma separated; use Roles and HasRole
	UnitsText      string     `db:"units"` // newline separated; empty: all units
	Hours          string     `db:"hours"` // calendar name; empty: always on duty
	TelegramUserID *int64     `db:"telegram_user_id"`
	Active         bool       `db:"active"`
	LastAssignedAt *time.Time `db:"last_assigned_at"`
	CreatedAt      time.Time  `db:"created_at"`
	UpdatedAt      time.Time  `db:"updated_at"`
}

// Staff roles.
const (
	RoleEngineer = "engineer"
	RoleLead     = "lead"
	RoleManager  = "manager"
	RoleQuality  = "quality"
	// RoleDispatcher (座席) takes the hotline's calls and e-mails and opens
	// tickets for those customers.
	RoleDispatcher = "dispatcher"
)

// RoleNames lists the roles as the policy file and the CLI write them.
const RoleNames = "engineer, lead, manager, quality, dispatcher"

// Roles lists the staff member's roles.
func (s *Staff) Roles() []string { return splitNonEmpty(s.RolesText, ",") }

// Units lists the units served; empty means all.
func (s *Staff) Units() []string { return splitNonEmpty(s.UnitsText, "\n") }

// HasRole reports whether the staff member has role.
func (s *Staff) HasRole(role string) bool { return slices.Contains(s.Roles(), role) }

// IsLead reports whether the staff member may act on any ticket.
func (s *Staff) IsLead() bool { return s.HasRole(RoleLead) || s.HasRole(RoleManager) }

// MayOpenTickets reports whether the staff member may open tickets for
// customers (a phone call, an e-mail) and choose their engineer:
// dispatchers and leads.
func (s *Staff) MayOpenTickets() bool {
	return s.HasRole(RoleDispatcher) || s.IsLead()
}

// Reachable staff are active and have linked their chat.
func (s *Staff) Reachable() bool { return s.Active && s.TelegramUserID != nil }

// MayAct reports whether the staff member may act on t: its assignee,
// anyone on an unassigned ticket, or a lead.
func (s *Staff) MayAct(t *Ticket) bool {
	return s.IsLead() || t.AssigneeID == nil || *t.AssigneeID == s.ID
}

// Serves reports whether the staff member serves unit.
func (s *Staff) Serves(unit string) bool {
	units := s.Units()
	if len(units) == 0 {
		return true
	}
	key := UnitKey(unit)
	return slices.ContainsFunc(units, func(u string) bool { return UnitKey(u) == key })
}

// Label is how staff are named to customers and colleagues: 李工（工号 007）.
func (s *Staff) Label() string { return s.Name + "（工号 " + s.Number + "）" }

func splitNonEmpty(s, sep string) []string {
	var out []string
	for _, p := range strings.Split(s, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// InviteHash is how invite codes are stored: a leaked table links nobody.
func InviteHash(code string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(code)))
	return hex.EncodeToString(sum[:])
}

// StaffStore keeps the staff roster.
type StaffStore interface {
	// SyncStaff inserts or updates staff by number (the policy file at
	// start); a Telegram link made with an invite is kept when the file
	// gives none.
	SyncStaff(ctx context.Context, staff []Staff) error
	AddStaff(ctx context.Context, s *Staff) error
	SetStaffActive(ctx context.Context, number string, active bool, now time.Time) error
	StaffByNumber(ctx context.Context, number string) (*Staff, error)
	StaffByID(ctx context.Context, id int64) (*Staff, error)
	StaffByTelegram(ctx context.Context, userID int64) (*Staff, error)
	// ListStaff is the roster. It may be a few seconds old for changes made
	// by other processes, and its LastAssignedAt may lag: OpenLoad has the
	// current one.
	ListStaff(ctx context.Context) ([]Staff, error)
	// CreateInvite stores a one-time code (its hash) for a staff member.
	CreateInvite(ctx context.Context, staffID int64, codeHash string, expires time.Time) error
	// RedeemInvite links the Telegram user to the code's staff member, once,
	// before it expires; ErrNotFound for an unknown, used or expired code.
	RedeemInvite(ctx context.Context, codeHash string, telegramUserID int64, now time.Time) (*Staff, error)
	// OpenLoad is each staff member's load now, by staff id.
	OpenLoad(ctx context.Context) (map[int64]Load, error)
}

// Load is what assignment weighs for a staff member: their open tickets
// (not resolved or closed) and when they were last given one.
type Load struct {
	Open           int
	LastAssignedAt *time.Time
}
