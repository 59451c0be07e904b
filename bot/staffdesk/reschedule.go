package staffdesk

import (
	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/staffdialog"
)

// A lead's /ticket N carries the ticket's classification and, below it,
// the buttons other rooms register for the ticket: 改期 of a scheduled
// maintenance ticket (bot/upkeep), whose press and dialogue that room
// registers too (Press, Dialogue).

// CardButtons gives the rows of buttons a room adds to a lead's /ticket N
// of t; none when it has nothing for t.
type CardButtons func(t *bot.Ticket) [][]bot.Button

// Card registers rows of buttons for a lead's /ticket N.
func (d *Desk) Card(b CardButtons) { d.cards = append(d.cards, b) }

// leadCard is the buttons of a lead's /ticket N: the classification, then
// the rows the rooms registered.
func (d *Desk) leadCard(t *bot.Ticket) [][]bot.Button {
	rows := staffdialog.ClassifyButtons(t, d.policy.Categories, true)
	for _, b := range d.cards {
		rows = append(rows, b(t)...)
	}
	return rows
}
