package reportpage

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// The charts are inline SVG written here, so the page needs no script,
// font or image from anywhere: the viewBox makes them scale to the
// page's width, and every text is escaped as it is written.

// Chart colours: one hue per series, the same in every chart.
const (
	colOpened     = "#3b6fd8"
	colResolved   = "#2f9e44"
	colResponse   = "#3b6fd8"
	colResolution = "#f08c00"
	colTrendBar   = "#a9c1f0"
	colOnTime     = "#e8590c"
	colSatisfied  = "#2f9e44"
	colTarget     = "#86909c"
	colGrid       = "#e5e6eb"
	colAxis       = "#86909c"
	colText       = "#4e5969"
)

// fontSize is the charts' text size in viewBox units.
const fontSize = 12

// svg writes one chart into a plot area [x0, x1] × [y0, y1] of a w × h
// viewBox, y1 being the baseline.
type svg struct {
	b              strings.Builder
	w, h           float64
	x0, x1, y0, y1 float64
}

// scale maps values 0..max onto the plot's height, with a tick each step.
type scale struct {
	max, step float64
	label     func(float64) string
}

// legendItem is one series in a chart's legend.
type legendItem struct {
	label, color string
	line, dashed bool // a line rather than a bar's swatch
}

// newSVG opens a chart: kind names it (data-chart), title and desc are
// read by screen readers and shown as the browser's tooltip.
func newSVG(kind, title, desc string, w, h, left, right, top, bottom float64) *svg {
	s := &svg{w: w, h: h, x0: left, x1: w - right, y0: top, y1: h - bottom}
	id := "chart-" + kind
	s.printf(`<svg class="chart" data-chart="%s" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" width="100%%" `+
		`preserveAspectRatio="xMidYMid meet" role="img" aria-labelledby="%s-t %s-d" font-size="%d" fill="%s">`,
		kind, num(w), num(h), id, id, fontSize, colText)
	s.printf(`<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(title), id, esc(desc))
	return s
}

// html closes the chart and returns it for the template.
func (s *svg) html() template.HTML {
	s.b.WriteString("</svg>")
	// Safe: the markup is this file's, every number went through num and
	// every text through esc.
	return template.HTML(s.b.String())
}

// printf writes markup; numbers go through num, texts through esc.
func (s *svg) printf(format string, args ...any) {
	fmt.Fprintf(&s.b, format, args...)
}

// y is the height of v on the scale.
func (s *svg) y(v float64, sc scale) float64 {
	if sc.max <= 0 {
		return s.y1
	}
	return s.y1 - math.Min(v, sc.max)/sc.max*(s.y1-s.y0)
}

// grid draws the scale's ticks: light lines across the plot and their
// labels on the left (right false) or the right axis, with unit above it.
func (s *svg) grid(sc scale, right bool, unit string) {
	x, anchor := s.x0-6, "end"
	if right {
		x, anchor = s.x1+6, "start"
	}
	for v := 0.0; v <= sc.max+sc.step/2; v += sc.step {
		y := s.y(v, sc)
		if !right {
			s.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`, num(s.x0), num(y), num(s.x1), num(y), colGrid)
		}
		s.printf(`<text x="%s" y="%s" text-anchor="%s" font-size="11">%s</text>`, num(x), num(y+4), anchor, esc(sc.label(v)))
	}
	ux, uanchor := 2.0, "start"
	if right {
		ux, uanchor = s.w-2, "end"
	}
	if unit != "" {
		s.printf(`<text x="%s" y="%s" text-anchor="%s" font-size="11">%s</text>`, num(ux), num(s.y0-12), uanchor, esc(unit))
	}
}

// baseline draws the x axis and its title under the tick labels.
func (s *svg) baseline(title string) {
	s.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`, num(s.x0), num(s.y1), num(s.x1), num(s.y1), colAxis)
	s.printf(`<text x="%s" y="%s" text-anchor="middle" font-size="11">%s</text>`, num((s.x0+s.x1)/2), num(s.h-6), esc(title))
}

// xLabel writes a tick label under the baseline at x; row 1 is a second
// line below the first.
func (s *svg) xLabel(x float64, row int, text string) {
	s.printf(`<text x="%s" y="%s" text-anchor="middle" font-size="11">%s</text>`, num(x), num(s.y1+16+float64(row)*14), esc(text))
}

// bar draws a bar from the baseline up to value v, with a tooltip.
func (s *svg) bar(x, width, v float64, sc scale, color, tip string) {
	if v <= 0 {
		return
	}
	y := s.y(v, sc)
	s.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s" rx="1"><title>%s</title></rect>`,
		num(x), num(y), num(width), num(s.y1-y), color, esc(tip))
}

// legend lays the items out in a row along the top of the chart.
func (s *svg) legend(items ...legendItem) {
	x, y := s.x0, 14.0
	for _, it := range items {
		switch {
		case it.dashed:
			s.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2" stroke-dasharray="4 3"/>`, num(x), num(y-4), num(x+16), num(y-4), it.color)
		case it.line:
			s.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2.5"/>`, num(x), num(y-4), num(x+16), num(y-4), it.color)
			s.printf(`<circle cx="%s" cy="%s" r="3" fill="%s"/>`, num(x+8), num(y-4), it.color)
		default:
			s.printf(`<rect x="%s" y="%s" width="12" height="12" rx="2" fill="%s"/>`, num(x+2), num(y-10), it.color)
		}
		s.printf(`<text x="%s" y="%s">%s</text>`, num(x+20), num(y), esc(it.label))
		x += 20 + textWidth(it.label) + 14
	}
}

// textWidth estimates a text's width at fontSize: Chinese characters are
// square, the rest about half as wide.
func textWidth(text string) float64 {
	w := 0.0
	for _, r := range text {
		if r >= 0x2E80 {
			w += fontSize
		} else {
			w += fontSize * 0.6
		}
	}
	return w
}

// countScale spans 0..max in at most five steps of 1, 2 or 5 times a
// power of ten.
func countScale(max float64) scale {
	if max < 1 {
		max = 1
	}
	step := 1.0
	for mag := 1.0; ; mag *= 10 {
		if f := pickStep(max, mag); f > 0 {
			step = f
			break
		}
	}
	return scale{max: math.Ceil(max/step) * step, step: step, label: func(v float64) string { return strconv.Itoa(int(v)) }}
}

func pickStep(max, mag float64) float64 {
	for _, f := range []float64{1, 2, 5} {
		if math.Ceil(max/(f*mag)) <= 5 {
			return f * mag
		}
	}
	return 0
}

// percentScale spans 0..100% in steps of 20%.
func percentScale() scale {
	return scale{max: 1, step: 0.2, label: func(v float64) string { return strconv.Itoa(int(math.Round(v*100))) + "%" }}
}

// num writes a coordinate with at most one decimal.
func num(v float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(v, 'f', 1, 64), ".0")
}

// esc escapes text for SVG markup.
func esc(s string) string { return template.HTMLEscapeString(s) }
