// Package bot is the service desk's vocabulary: the nouns every room of the
// desk shares (tickets and their service log, customers, staff, units,
// scheduled jobs, the messages that come in and go out) and the interfaces
// the rooms need from stores and channels. It does no I/O and holds no
// behaviour beyond what a noun says of itself.
//
// The rooms live below it, each a package of one concern, and each
// importing only rooms below it:
//
//	bot/policy     what the operator decides (plans, calendars, units, staff, surveys)
//	bot/notify     telling customers and staff: the ticket card, pings, notices
//	bot/ticket     opening tickets, assignment, and the lifecycle table
//	bot/intake     the customer side: messages in, the dialogue, relays, complaints
//	bot/staffdesk  the staff side: commands and button presses
//	bot/engine     the scheduler and the handlers of deadline jobs
//	bot/survey     satisfaction surveys, revisit tasks and rounds, statistics
//
// The pure dialogues sit beside them: conversation (the customer's) and
// bot/staffdialog (the staff's), and bot/sla keeps the clock. cmd wires the
// rooms together through their registrations.
package bot
