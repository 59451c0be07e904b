// Architecture test: the module's layering and size rules, checked by
// parsing every non-test Go file of the module (standard library only).
//
//	go test -run TestArchitecture -v .
//
// The rules are the tables just below; adjust them there. The checks report
// every violation, one line each, in a subtest named for its rule.
package hotline_test

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// importBans: imports that a package tree may not use. A prefix forbids that
// path and every path below it ("net/http" also forbids "net/http/httptest",
// not "net/httpx"); a prefix starting with "./" names one of the module's own
// directories. contains forbids every path holding that text.
var importBans = []struct {
	tree     string // the package and every package below it
	prefixes []string
	contains []string
}{
	{
		// The bot is domain code: I/O lives at the edges (STYLE.md, "Layout").
		tree: "bot",
		prefixes: []string{
			"net/http",     // HTTP servers and clients belong in adapters/
			"os",           // files, env and exit belong in cmd/
			"database/sql", // storage belongs in store/
			// Database drivers.
			"github.com/jmoiron/sqlx",
			"github.com/lib/pq",
			"modernc.org/sqlite",
			// Redis, any version.
			"github.com/redis/go-redis",
			"github.com/go-redis/redis", // go-redis's older import path
			"github.com/alicebob/miniredis",
			// Configuration is parsed in cmd/.
			"gopkg.in/yaml.v3",
			// Platform SDKs.
			"github.com/silenceper/wechat",
			"github.com/go-telegram-bot-api",
			// The module's own edges.
			"./adapters",
			"./store",
			"./cmd",
		},
		contains: []string{"yaml"}, // any YAML library
	},
}

// stdlibOnly: pure package trees that may import only the standard library
// (a path whose first element has no dot), plus the module directories in
// allow (each with its subtree). A tree that does not exist is not checked.
var stdlibOnly = []struct {
	name  string // subtest name
	tree  string
	allow []string
}{
	{"conversation", "conversation", []string{"conversation"}},
	// The staff's dialogues speak the desk's nouns (bot: buttons, shares)
	// and read severities and phone numbers as the customer's dialogue
	// does (conversation), none of which does I/O; the ranks keep them off
	// the rooms.
	{"staffdialog", "bot/staffdialog", []string{"bot", "conversation"}},
}

// roomRanks places the bot's rooms, low to high. A package may import a room
// only of strictly lower rank; rank 0 packages are importable by every room
// and may import each other (except for rankZeroBans), never rank 1 or more.
// A sub-package takes the rank of its nearest listed ancestor, except that
// below roomsTree every package must be listed (or be below a listed room
// other than roomsTree itself), so a new room is placed deliberately.
var roomRanks = map[string]int{
	"bot": 0, "bot/sla": 0, "bot/staffdialog": 0, "conversation": 0,
	"bot/policy": 1,
	"bot/notify": 2,
	"bot/ticket": 3,
	"bot/intake": 4, "bot/staffdesk": 4, "bot/engine": 4, // peers
	"bot/upkeep": 4, // recurring maintenance: opens tickets (bot/ticket); plugged into staffdesk and engine by cmd
	"bot/survey": 5,
	"bot/report": 6, // counts what the others record: tickets, surveys, rounds
}

const roomsTree = "bot"

// rankZeroBans: imports between rank 0 packages that are still forbidden.
// from is a tree; to is one package.
var rankZeroBans = []struct{ from, to string }{
	{"bot/sla", "bot"}, // sla is a leaf: the bot builds on it, not the reverse
}

// Size limits, over every non-test, non-generated Go file of the module.
const (
	maxPackageLines = 2500 // lines of non-test Go per directory, as wc -l counts
	maxMethods      = 40   // methods per named type (value and pointer receivers)
	maxFuncLines    = 60   // from the func line to the closing brace; literals count toward their function
)

// skipDir reports whether the walk skips a directory (not the root itself).
func skipDir(name string) bool {
	return name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

type goFile struct {
	path      string // slash-separated, relative to the module root
	lines     int
	generated bool
	fset      *token.FileSet
	ast       *ast.File
}

type goPackage struct {
	dir   string // slash-separated, relative to the module root
	files []goFile
}

func TestArchitecture(t *testing.T) {
	root, modPath := moduleRoot(t)
	pkgs := loadPackages(t, root)
	if len(pkgs) < 5 {
		t.Fatalf("found only %d packages under %s; the walk is broken", len(pkgs), root)
	}
	report := func(t *testing.T, violations []string) {
		for _, v := range violations {
			t.Error(v)
		}
	}
	t.Run("imports", func(t *testing.T) { report(t, checkImportBans(pkgs, modPath)) })
	for _, rule := range stdlibOnly {
		t.Run(rule.name, func(t *testing.T) {
			if !slices.ContainsFunc(pkgs, func(p goPackage) bool { return inTree(p.dir, rule.tree) }) {
				t.Skipf("%s does not exist yet", rule.tree)
			}
			report(t, checkStdlibOnly(pkgs, modPath, rule.tree, rule.allow))
		})
	}
	t.Run("ranks", func(t *testing.T) { report(t, checkRanks(pkgs, modPath)) })
	t.Run("sizes", func(t *testing.T) {
		t.Run("package-lines", func(t *testing.T) { report(t, checkPackageLines(pkgs)) })
		t.Run("methods", func(t *testing.T) { report(t, checkMethodCounts(pkgs)) })
		t.Run("func-lines", func(t *testing.T) { report(t, checkFuncLengths(pkgs)) })
	})
}

// moduleRoot walks up from the working directory to go.mod and returns that
// directory and the module path declared in it.
func moduleRoot(t *testing.T) (dir, modPath string) {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil {
			for _, line := range strings.Split(string(data), "\n") {
				if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
					return dir, strings.Trim(strings.TrimSpace(rest), `"`)
				}
			}
			t.Fatalf("%s/go.mod has no module line", dir)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

// loadPackages parses every non-test .go file below root, by directory.
func loadPackages(t *testing.T, root string) []goPackage {
	t.Helper()
	fset := token.NewFileSet()
	byDir := map[string]*goPackage{}
	var dirs []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != root && skipDir(d.Name()) {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(p, "go.mod")); p != root && err == nil {
				return filepath.SkipDir // a nested module is not this module
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		f, err := parseFile(fset, filepath.ToSlash(rel), nil, p)
		if err != nil {
			return err
		}
		dir := path.Dir(f.path)
		if byDir[dir] == nil {
			byDir[dir] = &goPackage{dir: dir}
			dirs = append(dirs, dir)
		}
		byDir[dir].files = append(byDir[dir].files, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var pkgs []goPackage
	for _, dir := range dirs {
		pkgs = append(pkgs, *byDir[dir])
	}
	return pkgs
}

// parseFile parses src, or the file at filename when src is nil.
func parseFile(fset *token.FileSet, rel string, src []byte, filename string) (goFile, error) {
	if src == nil {
		var err error
		if src, err = os.ReadFile(filename); err != nil {
			return goFile{}, err
		}
	}
	f, err := parser.ParseFile(fset, rel, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return goFile{}, err
	}
	return goFile{path: rel, lines: bytes.Count(src, []byte("\n")),
		generated: ast.IsGenerated(f), fset: fset, ast: f}, nil
}

// inTree reports whether dir is tree or below it.
func inTree(dir, tree string) bool {
	return dir == tree || strings.HasPrefix(dir, tree+"/")
}

// localDir returns the module directory an import path names, if it is one.
func localDir(importPath, modPath string) (string, bool) {
	if importPath == modPath {
		return ".", true
	}
	rest, ok := strings.CutPrefix(importPath, modPath+"/")
	return rest, ok
}

// eachImport calls fn for every import of every file of the packages in tree.
func eachImport(pkgs []goPackage, tree string, fn func(p goPackage, where, imp string)) {
	for _, p := range pkgs {
		if tree != "" && !inTree(p.dir, tree) {
			continue
		}
		for _, f := range p.files {
			for _, spec := range f.ast.Imports {
				imp := strings.Trim(spec.Path.Value, "`\"")
				where := fmt.Sprintf("%s:%d", f.path, f.fset.Position(spec.Pos()).Line)
				fn(p, where, imp)
			}
		}
	}
}

func checkImportBans(pkgs []goPackage, modPath string) []string {
	var out []string
	for _, ban := range importBans {
		eachImport(pkgs, ban.tree, func(p goPackage, where, imp string) {
			if reason := bannedBy(imp, modPath, ban.prefixes, ban.contains); reason != "" {
				out = append(out, fmt.Sprintf("%s: %s imports %s (forbidden under %s/: %s)",
					where, p.dir, imp, ban.tree, reason))
			}
		})
	}
	return out
}

// bannedBy returns the rule that forbids imp, or "".
func bannedBy(imp, modPath string, prefixes, contains []string) string {
	for _, prefix := range prefixes {
		if local, ok := strings.CutPrefix(prefix, "./"); ok {
			prefix = modPath + "/" + local
		}
		if inTree(imp, prefix) {
			return prefix + "/..."
		}
	}
	for _, s := range contains {
		if strings.Contains(imp, s) {
			return "contains " + s
		}
	}
	return ""
}

func checkStdlibOnly(pkgs []goPackage, modPath, tree string, allow []string) []string {
	var out []string
	eachImport(pkgs, tree, func(p goPackage, where, imp string) {
		if !strings.Contains(strings.Split(imp, "/")[0], ".") {
			return // standard library
		}
		if dir, ok := localDir(imp, modPath); ok &&
			slices.ContainsFunc(allow, func(a string) bool { return inTree(dir, a) }) {
			return
		}
		out = append(out, fmt.Sprintf("%s: %s imports %s (only the standard library%s allowed)",
			where, p.dir, imp, allowedSuffix(allow)))
	})
	return out
}

func allowedSuffix(allow []string) string {
	if len(allow) == 0 {
		return " is"
	}
	return " and " + strings.Join(allow, "/..., ") + "/... are"
}

// roomOf returns the roomRanks entry that places dir: dir itself or its
// nearest listed ancestor. Below roomsTree, roomsTree itself does not count.
func roomOf(dir string) (room string, ok bool) {
	for d := dir; d != "." && d != "/"; d = path.Dir(d) {
		if d == roomsTree && dir != roomsTree {
			return "", false
		}
		if _, ok := roomRanks[d]; ok {
			return d, true
		}
	}
	return "", false
}

func checkRanks(pkgs []goPackage, modPath string) []string {
	var out []string
	for _, p := range pkgs {
		if _, ok := roomOf(p.dir); !ok && inTree(p.dir, roomsTree) {
			out = append(out, fmt.Sprintf("%s: package has no rank; add it to roomRanks in architecture_test.go", p.dir))
		}
	}
	eachImport(pkgs, "", func(p goPackage, where, imp string) {
		from, ok1 := roomOf(p.dir)
		dir, local := localDir(imp, modPath)
		to, ok2 := roomOf(dir)
		if !ok1 || !local || !ok2 || from == to {
			return
		}
		if rf, rt := roomRanks[from], roomRanks[to]; rt > 0 && rt >= rf {
			out = append(out, fmt.Sprintf("%s: %s (rank %d) imports %s (rank %d); a room may import only lower ranks",
				where, p.dir, rf, dir, rt))
		}
		for _, ban := range rankZeroBans {
			if inTree(p.dir, ban.from) && dir == ban.to {
				out = append(out, fmt.Sprintf("%s: %s imports %s (forbidden by rankZeroBans)", where, p.dir, dir))
			}
		}
	})
	return out
}

// sizedFiles returns the files that the size limits apply to.
func sizedFiles(p goPackage) []goFile {
	return slices.DeleteFunc(slices.Clone(p.files), func(f goFile) bool { return f.generated })
}

func checkPackageLines(pkgs []goPackage) []string {
	var out []string
	for _, p := range pkgs {
		files := sizedFiles(p)
		n := 0
		for _, f := range files {
			n += f.lines
		}
		if n > maxPackageLines {
			out = append(out, fmt.Sprintf("%s: %d lines of non-test Go in %d files (limit %d)",
				p.dir, n, len(files), maxPackageLines))
		}
	}
	return out
}

func checkMethodCounts(pkgs []goPackage) []string {
	var out []string
	for _, p := range pkgs {
		count := map[string]int{}
		for _, f := range sizedFiles(p) {
			for _, decl := range f.ast.Decls {
				if fn, ok := decl.(*ast.FuncDecl); ok && fn.Recv != nil && len(fn.Recv.List) == 1 {
					count[receiverType(fn.Recv.List[0].Type)]++
				}
			}
		}
		var names []string
		for name, n := range count {
			if n > maxMethods {
				names = append(names, name)
			}
		}
		slices.Sort(names)
		for _, name := range names {
			out = append(out, fmt.Sprintf("%s: type %s has %d methods (limit %d)",
				p.dir, name, count[name], maxMethods))
		}
	}
	return out
}

// receiverType returns the type name of a receiver: T for T, *T, T[K] and *T[K, V].
func receiverType(expr ast.Expr) string {
	for {
		switch e := expr.(type) {
		case *ast.StarExpr:
			expr = e.X
		case *ast.ParenExpr:
			expr = e.X
		case *ast.IndexExpr:
			expr = e.X
		case *ast.IndexListExpr:
			expr = e.X
		case *ast.Ident:
			return e.Name
		default:
			return fmt.Sprintf("%T", expr)
		}
	}
}

func checkFuncLengths(pkgs []goPackage) []string {
	var out []string
	for _, p := range pkgs {
		for _, f := range sizedFiles(p) {
			for _, decl := range f.ast.Decls {
				fn, ok := decl.(*ast.FuncDecl)
				if !ok || fn.Body == nil {
					continue
				}
				start := f.fset.Position(fn.Pos()).Line // the func keyword, not the doc comment
				n := f.fset.Position(fn.End()).Line - start + 1
				if n > maxFuncLines {
					out = append(out, fmt.Sprintf("%s:%d: %s is %d lines (limit %d)",
						f.path, start, funcName(fn), n, maxFuncLines))
				}
			}
		}
	}
	return out
}

func funcName(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) != 1 {
		return fn.Name.Name
	}
	return receiverType(fn.Recv.List[0].Type) + "." + fn.Name.Name
}

// Self-tests of the checks, on small in-memory modules, so that the
// architecture test cannot pass by checking nothing.

const fakeModPath = "example.com/m"

// fakeModule parses sources keyed by module-relative path, as loadPackages would.
func fakeModule(t *testing.T, files map[string]string) []goPackage {
	t.Helper()
	fset := token.NewFileSet()
	var pkgs []goPackage
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		f, err := parseFile(fset, name, []byte(files[name]), "")
		if err != nil {
			t.Fatal(err)
		}
		if i := len(pkgs) - 1; i >= 0 && pkgs[i].dir == path.Dir(name) {
			pkgs[i].files = append(pkgs[i].files, f)
		} else {
			pkgs = append(pkgs, goPackage{dir: path.Dir(name), files: []goFile{f}})
		}
	}
	return pkgs
}

// importing returns a source file that imports imp.
func importing(imp string) string {
	return fmt.Sprintf("package x\n\nimport _ %q\n", imp)
}

// expect fails t unless got is want (nil: no violations).
func expect(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}

func TestArchitectureFuncLengths(t *testing.T) {
	for lines, want := range map[int][]string{
		59: nil,
		60: nil,
		61: {"p/a.go:6: T.f is 61 lines (limit 60)"},
	} {
		// A method whose body holds a function literal, which counts toward it.
		src := "package x\n\ntype T struct{}\n\n// Doc comments do not count.\nfunc (t *T) f() {\n\t_ = func() {\n" +
			strings.Repeat("\t\t_ = 0\n", lines-4) + "\t}\n}\n"
		got := checkFuncLengths(fakeModule(t, map[string]string{"p/a.go": src}))
		expect(t, fmt.Sprintf("%d-line method", lines), got, want)
	}
	generated := "// Code generated by hand. DO NOT EDIT.\n\npackage x\n\nfunc f() {\n" +
		strings.Repeat("\t_ = 0\n", 100) + "}\n"
	expect(t, "generated file", checkFuncLengths(fakeModule(t, map[string]string{"p/a.go": generated})), nil)
}

func TestArchitectureMethodCounts(t *testing.T) {
	for methods, want := range map[int][]string{
		40: nil,
		41: {"p: type G has 41 methods (limit 40)"},
	} {
		// Value, pointer and generic receivers, over two files, all count toward G.
		a, b := "package x\n\ntype G[K comparable, V any] struct{}\n", "package x\n"
		for i := range methods {
			recv := []string{"g G[K, V]", "g *G[K, V]", "(*G[K, V])"}[i%3]
			b += fmt.Sprintf("func (%s) m%d() {}\n", recv, i)
		}
		got := checkMethodCounts(fakeModule(t, map[string]string{"p/a.go": a, "p/b.go": b}))
		expect(t, fmt.Sprintf("%d methods", methods), got, want)
	}
}

func TestArchitecturePackageLines(t *testing.T) {
	half := "package x\n" + strings.Repeat("\n", 1249) // 1,250 lines
	got := checkPackageLines(fakeModule(t, map[string]string{"p/a.go": half, "p/b.go": half}))
	expect(t, "2,500 lines", got, nil)
	got = checkPackageLines(fakeModule(t, map[string]string{"p/a.go": half, "p/b.go": half + "\n"}))
	expect(t, "2,501 lines", got, []string{"p: 2501 lines of non-test Go in 2 files (limit 2500)"})
}

func TestArchitectureImportBans(t *testing.T) {
	ban := importBans[0]
	for imp, banned := range map[string]bool{
		"net/http": true, "net/http/httptest": true, "os": true, "os/exec": true,
		"database/sql/driver": true, "github.com/redis/go-redis/v9": true,
		"github.com/go-telegram-bot-api/telegram-bot-api/v5": true, "sigs.k8s.io/yaml": true,
		fakeModPath + "/store/storetest": true, fakeModPath + "/adapters": true,
		"net/httpx": false, "io/fs": false, "log/slog": false, fakeModPath + "/storex": false,
		fakeModPath + "/bot/sla": false, fakeModPath + "/conversation": false,
	} {
		if got := bannedBy(imp, fakeModPath, ban.prefixes, ban.contains) != ""; got != banned {
			t.Errorf("%s under %s/: banned = %v, want %v", imp, ban.tree, got, banned)
		}
	}
}

func TestArchitectureStdlibOnly(t *testing.T) {
	pkgs := fakeModule(t, map[string]string{
		"conversation/a.go":   importing("strings"),
		"conversation/b.go":   importing("github.com/google/go-cmp/cmp"),
		"conversation/x/a.go": importing(fakeModPath + "/conversation"),
		"conversation/y/a.go": importing(fakeModPath + "/bot"),
	})
	got := checkStdlibOnly(pkgs, fakeModPath, "conversation", []string{"conversation"})
	expect(t, "conversation", got, []string{
		"conversation/b.go:3: conversation imports github.com/google/go-cmp/cmp (only the standard library and conversation/... are allowed)",
		"conversation/y/a.go:3: conversation/y imports example.com/m/bot (only the standard library and conversation/... are allowed)",
	})
}

func TestArchitectureRanks(t *testing.T) {
	for _, tc := range []struct{ from, to, want string }{
		{"bot/intake", "bot/survey", "rank 4) imports bot/survey (rank 5)"},
		{"bot/survey", "bot/intake", ""},
		{"bot/intake", "bot/staffdesk", "rank 4) imports bot/staffdesk (rank 4)"},
		{"bot/survey/x", "bot/survey", ""},
		{"bot/survey/x", "bot/policy/y", ""},
		{"bot/policy", "bot", ""},
		{"bot", "bot/sla", ""},
		{"bot", "bot/policy", "bot (rank 0) imports bot/policy (rank 1)"},
		{"bot/sla", "bot/notify", "bot/sla (rank 0) imports bot/notify (rank 2)"},
		{"bot/sla/holidays", "bot", "bot/sla/holidays imports bot (forbidden by rankZeroBans)"},
		{"store", "bot/survey", ""},
		{"bot/newroom", "bot", "bot/newroom: package has no rank; add it to roomRanks"},
	} {
		got := checkRanks(fakeModule(t, map[string]string{tc.from + "/a.go": importing(fakeModPath + "/" + tc.to)}), fakeModPath)
		if tc.want == "" && len(got) != 0 || tc.want != "" && (len(got) != 1 || !strings.Contains(got[0], tc.want)) {
			t.Errorf("%s imports %s: got %q, want %q", tc.from, tc.to, got, tc.want)
		}
	}
}

func TestArchitectureLoadSkips(t *testing.T) {
	root := t.TempDir()
	for name, src := range map[string]string{
		"a.go": "package x\n", "p/b.go": "package p\n", "p/b_test.go": "package p\n",
		"p/testdata/c.go": "package c\n", ".hidden/d.go": "package d\n", "_old/e.go": "package e\n",
		"nested/go.mod": "module other\n", "nested/f.go": "package f\n", "p/notes.txt": "",
	} {
		file := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, p := range loadPackages(t, root) {
		for _, f := range p.files {
			got = append(got, f.path)
		}
	}
	slices.Sort(got)
	expect(t, "loaded files", got, []string{"a.go", "p/b.go"})
}
