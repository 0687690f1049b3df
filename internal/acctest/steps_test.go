package acctest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// terraform-plugin-testing runs a step's Check only after an apply: a
// PlanOnly step never applies, so a Check on it is never called and the
// assertion it holds passes whatever the provider does. No step in the
// repository may set both (assert such things with ConfigPlanChecks, in a
// following step, or after resource.Test returns).
//
// And every step's SkipFunc is SkipStepUnless, whose skips are seen.
func TestNoPlanOnlyStepHasACheck(t *testing.T) {
	root := repositoryRoot(t)
	files := 0
	var found []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); p != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		hits, err := planOnlyStepsWithCheck(rel, src)
		if err != nil {
			return err
		}
		silent, err := silentStepSkips(rel, src)
		if err != nil {
			return err
		}
		files++
		found = append(found, hits...)
		for _, h := range silent {
			found = append(found, h+": a step SkipFunc other than acctest.SkipStepUnless, whose skip nobody sees")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// This package's own tests and internal/provider's are among them: a walk
	// that found nothing would prove nothing.
	if files < 20 {
		t.Fatalf("only %d test files under %s: the walk is not reading the repository", files, root)
	}
	for _, f := range found {
		if !strings.Contains(f, ": a step SkipFunc") {
			f += ": a PlanOnly step with a Check, which never runs"
		}
		t.Error(f)
	}
}

// The SkipFunc detector: only acctest.SkipStepUnless logs its skips.
func TestSilentStepSkipsFindsEverySkipFunc(t *testing.T) {
	const src = `package x

var steps = []resource.TestStep{
	{SkipFunc: acctest.SkipStepUnless(t, "a", acctest.FeatureActions)},
	{SkipFunc: func() (bool, error) { return true, nil }},
	{SkipFunc: skip},
	{Config: "no skip"},
}
`
	hits, err := silentStepSkips("x_test.go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"x_test.go:5", "x_test.go:6"}; fmt.Sprint(hits) != fmt.Sprint(want) {
		t.Errorf("found %v, want %v", hits, want)
	}
}

// The detector itself, on each way a step literal is written.
func TestPlanOnlyStepsWithCheckFindsEachSpelling(t *testing.T) {
	const src = `package x

import "github.com/hashicorp/terraform-plugin-testing/helper/resource"

var check resource.TestCheckFunc

var typed = resource.TestStep{Config: "a", PlanOnly: true, Check: check}

var elided = resource.TestCase{Steps: []resource.TestStep{
	{Config: "b", PlanOnly: true, Check: check},
	{Config: "c", PlanOnly: true},
	{Config: "d", Check: check},
	{Config: "e", PlanOnly: false, Check: check},
}}

var pointer = []*resource.TestStep{{PlanOnly: true, Check: check}}

var appended = append([]resource.TestStep{}, resource.TestStep{PlanOnly: planOnly, Check: check})

var planOnly = true
`
	hits, err := planOnlyStepsWithCheck("x_test.go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"x_test.go:7", "x_test.go:10", "x_test.go:16", "x_test.go:18"}
	if fmt.Sprint(hits) != fmt.Sprint(want) {
		t.Errorf("found %v, want %v", hits, want)
	}
}

// planOnlyStepsWithCheck names (file:line) every resource.TestStep literal
// in src that sets Check and a PlanOnly other than the constant false.
func planOnlyStepsWithCheck(name string, src []byte) ([]string, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, name, src, 0)
	if err != nil {
		return nil, err
	}
	var hits []string
	check := func(lit *ast.CompositeLit) {
		var planOnly, hasCheck bool
		for _, el := range lit.Elts {
			kv, ok := el.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			key, _ := kv.Key.(*ast.Ident)
			if key == nil {
				continue
			}
			switch key.Name {
			case "PlanOnly":
				value, isIdent := kv.Value.(*ast.Ident)
				planOnly = !isIdent || value.Name != "false"
			case "Check":
				value, isIdent := kv.Value.(*ast.Ident)
				hasCheck = !isIdent || value.Name != "nil"
			}
		}
		if planOnly && hasCheck {
			hits = append(hits, fmt.Sprintf("%s:%d", name, fset.Position(lit.Pos()).Line))
		}
	}
	eachTestStep(file, check)
	return hits, nil
}

// eachTestStep calls fn with every resource.TestStep literal in file.
func eachTestStep(file *ast.File, fn func(*ast.CompositeLit)) {
	ast.Inspect(file, func(n ast.Node) bool {
		lit, ok := n.(*ast.CompositeLit)
		if !ok {
			return true
		}
		if isTestStep(lit.Type) {
			fn(lit)
			return true
		}
		// []resource.TestStep{{...}} and []*resource.TestStep{{...}}: the
		// elements' type is elided.
		if arr, ok := lit.Type.(*ast.ArrayType); ok && isTestStep(arr.Elt) {
			for _, el := range lit.Elts {
				if inner, ok := el.(*ast.CompositeLit); ok && inner.Type == nil {
					fn(inner)
				}
			}
		}
		return true
	})
}

// silentStepSkips names (file:line) every resource.TestStep literal in src
// whose SkipFunc is not acctest.SkipStepUnless: terraform-plugin-testing
// prints nothing when it skips a step, so such a skip would go unseen by
// .ci/require-tests.sh and the legs' expected skips.
func silentStepSkips(name string, src []byte) ([]string, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, name, src, 0)
	if err != nil {
		return nil, err
	}
	var hits []string
	eachTestStep(file, func(lit *ast.CompositeLit) {
		for _, el := range lit.Elts {
			kv, ok := el.(*ast.KeyValueExpr)
			if key, _ := kv.Key.(*ast.Ident); !ok || key == nil || key.Name != "SkipFunc" {
				continue
			}
			call, _ := kv.Value.(*ast.CallExpr)
			if call != nil {
				switch fun := call.Fun.(type) {
				case *ast.SelectorExpr:
					if fun.Sel.Name == "SkipStepUnless" {
						continue
					}
				case *ast.Ident:
					if fun.Name == "SkipStepUnless" {
						continue
					}
				}
			}
			hits = append(hits, fmt.Sprintf("%s:%d", name, fset.Position(kv.Pos()).Line))
		}
	})
	return hits, nil
}

// isTestStep reports whether expr is resource.TestStep or *resource.TestStep.
func isTestStep(expr ast.Expr) bool {
	if star, ok := expr.(*ast.StarExpr); ok {
		expr = star.X
	}
	sel, ok := expr.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "TestStep" {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && pkg.Name == "resource"
}

// repositoryRoot is the directory of go.mod, above this package.
func repositoryRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}
