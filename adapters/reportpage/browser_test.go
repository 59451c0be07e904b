package reportpage_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's chromium; scripts/services.sh installs it.
const chromiumPath = "/usr/bin/chromium"

// artifacts is the repository's artifacts/ folder (git-ignored).
var artifacts = filepath.Join("..", "..", "artifacts")

// browser starts headless Chromium and returns a tab. The test fails, not
// skips, without Chromium, as the survey page's does.
func browser(t *testing.T) (context.Context, context.CancelFunc) {
	t.Helper()
	if _, err := exec.LookPath(chromiumPath); err != nil {
		t.Fatalf("%s is missing: run scripts/services.sh (it installs chromium)", chromiumPath)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profileDir(t)),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	// Generous: CI runs this beside the other packages' race-detector tests
	// on two cores, where Chromium renders slowly.
	ctx, cancelTime := context.WithTimeout(ctx, 240*time.Second)
	return ctx, func() { cancelTime(); cancelTab(); cancelAlloc() }
}

// profileDir is Chromium's profile folder. Not t.TempDir: Chromium's
// helper processes may still be writing to it for a moment after the
// browser is cancelled, which fails t.TempDir's cleanup; this one is
// removed with a few tries.
func profileDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "reportpage-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for range 20 {
			if os.RemoveAll(dir) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Logf("left %s behind", dir)
	})
	return dir
}

func run(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func save(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(artifacts, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", path)
}

// fullScreenshot captures the whole page, not only the screen: the report
// is read by scrolling.
func fullScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	var png []byte
	run(t, ctx, "screenshot "+name, chromedp.FullScreenshot(&png, 100))
	save(t, name, png)
}

// layout is what makes the page readable at a width.
type layout struct {
	ViewportWidth int     `json:"vw"`
	PageWidth     int     `json:"pw"`
	Charts        []chart `json:"charts"`
}

type chart struct {
	Kind   string  `json:"kind"`
	Width  float64 `json:"w"`
	Height float64 `json:"h"`
	Drawn  int     `json:"drawn"`
}

const measure = `(() => ({
	vw: window.innerWidth,
	pw: document.documentElement.scrollWidth,
	charts: [...document.querySelectorAll('svg.chart')].map(s => {
		const r = s.getBoundingClientRect();
		return {kind: s.dataset.chart, w: r.width, h: r.height, drawn: s.querySelectorAll('rect, path, polyline, circle').length};
	}),
}))()`

// checkLayout fails unless nothing overflows the page sideways and the
// three charts are drawn at a readable size no wider than maxChart.
func checkLayout(t *testing.T, ctx context.Context, what string, width int, maxChart float64) {
	t.Helper()
	var l layout
	run(t, ctx, "measure "+what, chromedp.Evaluate(measure, &l))
	if l.ViewportWidth != width || l.PageWidth > l.ViewportWidth {
		t.Errorf("%s: page %d px wide in a %d px viewport (want %d, no sideways scrolling)", what, l.PageWidth, l.ViewportWidth, width)
	}
	if len(l.Charts) != 3 {
		t.Fatalf("%s: %d charts: %+v", what, len(l.Charts), l.Charts)
	}
	for _, c := range l.Charts {
		if c.Width < 300 || c.Width > maxChart || c.Height < 150 || c.Drawn == 0 {
			t.Errorf("%s: chart %s is %.0f×%.0f px with %d drawn elements", what, c.Kind, c.Width, c.Height, c.Drawn)
		}
	}
}

// The report in a browser: on a phone, on a desktop and on A4 paper it
// fits the width and draws its charts. Screenshots and the PDF go to
// artifacts/.
func TestReportPageInChromium(t *testing.T) {
	p := newPageServer(t)
	ctx, cancel := browser(t)
	defer cancel()
	link := p.link("2026-11", "市中心医院")

	run(t, ctx, "open on a phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(link), chromedp.WaitVisible(`svg.chart[data-chart="trend"]`, chromedp.ByQuery))
	checkLayout(t, ctx, "390 px phone", 390, 390)
	fullScreenshot(t, ctx, "report-390.png")

	run(t, ctx, "resize to a desktop", chromedp.EmulateViewport(1280, 900))
	checkLayout(t, ctx, "1280 px desktop", 1280, 700)
	fullScreenshot(t, ctx, "report-1280.png")

	// A4 at 96 dpi is 794×1123 CSS pixels.
	run(t, ctx, "emulate print", emulation.SetEmulatedMedia().WithMedia("print"), chromedp.EmulateViewport(794, 1123))
	checkLayout(t, ctx, "A4 print", 794, 794)
	fullScreenshot(t, ctx, "report-a4.png")

	var pdf []byte
	run(t, ctx, "print to PDF", chromedp.ActionFunc(func(ctx context.Context) error {
		var err error
		pdf, _, err = page.PrintToPDF().WithPaperWidth(8.27).WithPaperHeight(11.69).
			WithPrintBackground(true).WithPreferCSSPageSize(true).Do(ctx)
		return err
	}))
	if len(pdf) < 10_000 || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("the PDF is %d bytes: %.20q", len(pdf), pdf)
	}
	save(t, "report.pdf", pdf)
}
