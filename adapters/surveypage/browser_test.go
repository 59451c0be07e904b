package surveypage_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's chromium; scripts/services.sh installs it.
const chromiumPath = "/usr/bin/chromium"

// artifacts is the repository's artifacts/ folder (git-ignored).
var artifacts = filepath.Join("..", "..", "artifacts")

// phone starts headless Chromium with a phone-sized viewport (390×844 CSS
// pixels at 3×, a mobile device) and returns a tab. The test fails, not
// skips, without Chromium.
func phone(t *testing.T) (context.Context, context.CancelFunc) {
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
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	// Generous: CI runs this beside the other packages' race-detector tests
	// on two cores, where Chromium renders slowly.
	ctx, cancelTime := context.WithTimeout(ctx, 240*time.Second)
	cancel := func() { cancelTime(); cancelTab(); cancelAlloc() }
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(3), chromedp.EmulateMobile)); err != nil {
		cancel()
		t.Fatalf("start chromium: %v", err)
	}
	return ctx, cancel
}

// newTab opens another tab of the same browser, on the same phone.
func newTab(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	tab, cancel := chromedp.NewContext(ctx)
	t.Cleanup(cancel)
	if err := chromedp.Run(tab, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(3), chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	return tab
}

func run(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	var png []byte
	// The visible screen, as the customer sees it: a full-page capture at
	// phone resolution is several times slower.
	run(t, ctx, "screenshot "+name, chromedp.CaptureScreenshot(&png))
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(artifacts, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	var s string
	run(t, ctx, "read "+sel, chromedp.Text(sel, &s, chromedp.ByQuery))
	return s
}

// layout measures what makes a page usable on a phone.
type layout struct {
	ViewportWidth int     `json:"vw"`
	PageWidth     int     `json:"pw"`
	FontSize      float64 `json:"font"`
	SmallestTap   float64 `json:"tap"`
	Questions     int     `json:"questions"`
}

const measure = `(() => {
	const taps = [...document.querySelectorAll('.opt span, button, textarea')].map(e => e.getBoundingClientRect().height);
	return {vw: window.innerWidth, pw: document.documentElement.scrollWidth,
		font: parseFloat(getComputedStyle(document.body).fontSize),
		tap: Math.min(...taps), questions: document.querySelectorAll('fieldset').length};
})()`

// The survey page in a phone's browser: it fits the screen, every kind of
// question can be answered by tapping and typing, the form submits, a
// second submission is refused politely, and forged or expired links are
// refused. Screenshots go to artifacts/.
func TestSurveyPageInChromium(t *testing.T) {
	f := newPageFixture(t)
	ctx, cancel := phone(t)
	defer cancel()
	link := f.link(f.survey)

	var l layout
	run(t, ctx, "open the link", chromedp.Navigate(link), chromedp.WaitVisible("form", chromedp.ByQuery), chromedp.Evaluate(measure, &l))
	if l.ViewportWidth != 390 || l.PageWidth > l.ViewportWidth || l.FontSize < 16 || l.SmallestTap < 44 || l.Questions != 5 {
		t.Fatalf("on a 390 px phone: %+v (want no sideways scrolling, 16 px text, 44 px taps, 5 questions)", l)
	}
	if h := text(t, ctx, "h1"); h != "售后服务回访" {
		t.Fatalf("title %q", h)
	}
	screenshot(t, ctx, "survey-page.png")

	// A second tab opens the same link before the first submits.
	other := newTab(t, ctx)
	run(t, other, "open the link again", chromedp.Navigate(link), chromedp.WaitVisible("form", chromedp.ByQuery))

	// Submitting with questions left out asks for them.
	run(t, ctx, "submit empty", chromedp.Click("button[type=submit]", chromedp.ByQuery), chromedp.WaitVisible(".alert", chromedp.ByQuery))
	if a := text(t, ctx, ".alert"); !strings.Contains(a, "还有题目没有选择") {
		t.Fatalf("alert %q", a)
	}

	// Every kind: rating, choice, rating, yes/no, and a comment.
	run(t, ctx, "answer",
		chromedp.Click(`#q-overall label:nth-of-type(2)`, chromedp.ByQuery),  // 较满意
		chromedp.Click(`#q-speed label:nth-of-type(2)`, chromedp.ByQuery),    // 及时
		chromedp.Click(`#q-attitude label:nth-of-type(1)`, chromedp.ByQuery), // 满意
		chromedp.Click(`#q-solved label:nth-of-type(2)`, chromedp.ByQuery),   // 否
		chromedp.SendKeys(`textarea[name=comment]`, "希望下次能早点上门", chromedp.ByQuery),
	)
	screenshot(t, ctx, "survey-page-answered.png")
	run(t, ctx, "submit", chromedp.Click("button[type=submit]", chromedp.ByQuery), chromedp.WaitVisible(".notice", chromedp.ByQuery))
	if h := text(t, ctx, ".notice h1"); h != "提交成功" {
		t.Fatalf("after submitting: %q", h)
	}
	screenshot(t, ctx, "survey-page-thanks.png")
	var got string
	f.rec.DB.GetContext(context.Background(), &got, `SELECT string_agg(question || '=' || value, ',' ORDER BY question) FROM survey_answers WHERE survey_id = $1`, f.survey)
	if got != "attitude=1,comment=希望下次能早点上门,overall=2,solved=no,speed=及时" {
		t.Fatalf("answers recorded: %s", got)
	}

	// The other tab's form, submitted now, is refused politely.
	run(t, other, "submit the second form",
		chromedp.Click(`#q-overall label:nth-of-type(4)`, chromedp.ByQuery),
		chromedp.Click(`#q-speed label:nth-of-type(4)`, chromedp.ByQuery),
		chromedp.Click(`#q-attitude label:nth-of-type(4)`, chromedp.ByQuery),
		chromedp.Click(`#q-solved label:nth-of-type(2)`, chromedp.ByQuery),
		chromedp.Click("button[type=submit]", chromedp.ByQuery), chromedp.WaitVisible(".notice", chromedp.ByQuery))
	if h, p := text(t, other, ".notice h1"), text(t, other, ".notice p"); h != "您已提交过" || !strings.Contains(p, "感谢您的参与") {
		t.Fatalf("a second submission: %q %q", h, p)
	}
	var rating int
	f.rec.DB.GetContext(context.Background(), &rating, `SELECT rating FROM surveys WHERE id = $1`, f.survey)
	if rating != 2 {
		t.Fatalf("the second submission changed the rating to %d", rating)
	}

	// Forged and expired links.
	for _, c := range []struct{ link, want string }{
		{link[:len(link)-3] + "abc", "链接无效"},
		{f.signer.SurveyLink(f.survey, f.now.Add(-time.Hour)), "调查已结束"},
	} {
		run(t, ctx, "open "+c.want, chromedp.Navigate(c.link), chromedp.WaitVisible(".notice", chromedp.ByQuery))
		if h := text(t, ctx, ".notice h1"); h != c.want {
			t.Errorf("%s: page says %q, want %q", c.link, h, c.want)
		}
	}
	screenshot(t, ctx, "survey-page-expired.png")
}
