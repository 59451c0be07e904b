package conversation

// IntentKind says what the bot should do.
type IntentKind string

// AckOf is the acknowledgement the dialogue says for an intent whose
// outcome the bot words itself (a callback registered on ticket N, a
// complaint passed to the managers): the bot puts its answer in that
// reply's place, so the customer reads one answer, not two. "" for intents
// the dialogue does not acknowledge so.
func AckOf(kind IntentKind) string {
	switch kind {
	case IntentCallback:
		return callbackAckText
	case IntentComplaint:
		return complaintAckText
	}
	return ""
}

// Kinds of intents Step returns for the bot to carry out.
const (
	IntentOpenTicket     IntentKind = "open_ticket"     // Draft: open a ticket and tell the customer its number and committed times
	IntentListTickets    IntentKind = "list_tickets"    // show the customer's tickets and their progress
	IntentComplaint      IntentKind = "complaint"       // Text and/or Attachment: record a complaint (on the open ticket if any)
	IntentCallback       IntentKind = "callback"        // the customer asks a person to call back
	IntentAppend         IntentKind = "append"          // Text or Attachment: add to the active ticket, relay to its engineer
	IntentDraftCancelled IntentKind = "draft_cancelled" // Draft: a report dropped before it was opened; log it
	IntentUnsubscribed   IntentKind = "unsubscribed"    // the customer unfollowed the account
	IntentOverflowText   IntentKind = "overflow_text"   // Text: customer text the description no longer holds (over its limit, or replaced through 修改); keep it in the customer's log
)

// Intent is something for the bot to do on the customer's behalf.
type Intent struct {
	Kind       IntentKind
	Draft      *Draft
	Text       string
	Attachment *Attachment
}
