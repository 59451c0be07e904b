package report

import (
	"cmp"
	"slices"
	"unicode"

	"github.com/hotline-desk/hotline/bot"
)

// Groups of similar descriptions, the frequent problems (seed 003 6.4).
// Descriptions are compared as sets of character bigrams, the measure
// that suits Chinese (pg_trgm's trigrams split a short Chinese phrase into
// too few pieces, and the embedded database has no pg_trgm): two read
// alike when their Dice coefficient, 2|A∩B| / (|A|+|B|), is at least
// SimilarAt. Tickets are taken in order; each joins the group whose first
// ticket it is most like, or starts a group. An inverted index from bigram
// to group finds the candidates, so a month of tens of thousands of
// tickets is grouped in well under a second.

// SimilarAt is the Dice coefficient from which descriptions are similar.
const SimilarAt = 0.5

// Group limits: the report lists the biggest groups, and compares the
// first runes of a description (the gist comes first).
const (
	maxGroups     = 20
	shingleRunes  = 120
	commonBigram  = 2000 // a bigram in more groups than this finds no candidates
	maxCandidates = 8
	sampleRunes   = 60
)

// Similar groups the tickets by their descriptions: groups of two or more,
// biggest first (the first ticket's number breaking ties), at most 20.
func Similar(ts []bot.Ticket) []Group {
	type group struct {
		set     []uint64
		tickets []int64
		sample  string
	}
	var groups []*group
	index := map[uint64][]int32{}
	hits := map[int32]int{}
	for i := range ts {
		set := bigrams(ts[i].Description)
		if len(set) == 0 {
			continue
		}
		clear(hits)
		for _, b := range set {
			if ids := index[b]; len(ids) <= commonBigram {
				for _, g := range ids {
					hits[g]++
				}
			}
		}
		best, bestScore := int32(-1), 0.0
		for _, g := range topCandidates(hits) {
			if score := dice(set, groups[g].set); score >= SimilarAt && score > bestScore {
				best, bestScore = g, score
			}
		}
		if best >= 0 {
			groups[best].tickets = append(groups[best].tickets, ts[i].ID)
			continue
		}
		id := int32(len(groups))
		groups = append(groups, &group{set: set, tickets: []int64{ts[i].ID}, sample: shorten(ts[i].Description)})
		for _, b := range set {
			index[b] = append(index[b], id)
		}
	}
	out := []Group{}
	for _, g := range groups {
		if len(g.tickets) > 1 {
			out = append(out, Group{Sample: g.sample, Tickets: g.tickets})
		}
	}
	slices.SortStableFunc(out, func(a, b Group) int {
		return cmp.Or(cmp.Compare(len(b.Tickets), len(a.Tickets)), cmp.Compare(a.Tickets[0], b.Tickets[0]))
	})
	return out[:min(len(out), maxGroups)]
}

// topCandidates are the groups sharing the most bigrams, most first.
func topCandidates(hits map[int32]int) []int32 {
	out := make([]int32, 0, len(hits))
	for g := range hits {
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b int32) int { return cmp.Or(cmp.Compare(hits[b], hits[a]), cmp.Compare(a, b)) })
	return out[:min(len(out), maxCandidates)]
}

// bigrams is the sorted set of character bigrams of s's letters and
// digits (case folded; spaces and punctuation dropped). A single
// character is a set of one.
func bigrams(s string) []uint64 {
	rs := make([]rune, 0, shingleRunes)
	for _, r := range s {
		if len(rs) == shingleRunes {
			break
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			rs = append(rs, unicode.ToLower(r))
		}
	}
	if len(rs) == 1 {
		return []uint64{uint64(rs[0])}
	}
	set := make([]uint64, 0, len(rs))
	for i := 1; i < len(rs); i++ {
		set = append(set, uint64(rs[i-1])<<32|uint64(rs[i]))
	}
	slices.Sort(set)
	return slices.Compact(set)
}

// dice is 2|a∩b| / (|a|+|b|) of two sorted sets.
func dice(a, b []uint64) float64 {
	common := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			common++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return 2 * float64(common) / float64(len(a)+len(b))
}

func shorten(s string) string {
	r := []rune(s)
	if len(r) > sampleRunes {
		return string(r[:sampleRunes]) + "…"
	}
	return s
}
