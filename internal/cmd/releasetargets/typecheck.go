package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"

	"golang.org/x/tools/go/packages"
)

// typeCheckTargets type-checks the provider (the main package and everything
// it imports, the standard library included) from source for every target,
// as the Go toolchain would compile it there: each target's GOOS, GOARCH and
// variant, CGO_ENABLED=0 as the release builds. A file that does not build on
// one platform (a syscall or a build tag that exists elsewhere only) fails
// here, naming the target, at a fraction of a cold cross-build's cost (no
// code generation, nothing linked): the full build of every target stays
// with goreleaser (make release-check, make release-snapshot, the release
// workflow).
func typeCheckTargets(dir string, targets []target) error {
	type outcome struct {
		target target
		errs   []string
	}
	outcomes := make([]outcome, len(targets))
	work := make(chan int)
	var wg sync.WaitGroup
	for range max(1, runtime.NumCPU()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				outcomes[i] = outcome{targets[i], typeCheck(dir, targets[i])}
			}
		}()
	}
	for i := range targets {
		work <- i
	}
	close(work)
	wg.Wait()

	var failed []string
	for _, o := range outcomes {
		if len(o.errs) == 0 {
			fmt.Printf("releasetargets: %s type-checks\n", o.target.Name)
			continue
		}
		failed = append(failed, o.target.Name)
		fmt.Fprintf(os.Stderr, "releasetargets: %s does not build:\n  %s\n", o.target.Name, strings.Join(o.errs, "\n  "))
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d target(s) do not build: %s", len(failed), strings.Join(failed, ", "))
	}
	return nil
}

// variantVariables: the variable that sets each architecture's variant
// (goreleaser's variants are spelled as Go's values).
var variantVariables = map[string]string{"amd64": "GOAMD64", "386": "GO386", "arm": "GOARM", "arm64": "GOARM64"}

// typeCheck loads the main package of dir and all its dependencies from
// source for one target and returns every error found on the way.
func typeCheck(dir string, t target) []string {
	env := append(os.Environ(), "GOOS="+t.GOOS, "GOARCH="+t.GOARCH, "CGO_ENABLED=0")
	if v, ok := variantVariables[t.GOARCH]; ok && t.Variant != "" {
		env = append(env, v+"="+t.Variant)
	}
	cfg := &packages.Config{Mode: packages.LoadAllSyntax, Dir: dir, Env: env}
	pkgs, err := packages.Load(cfg, ".")
	if err != nil {
		return []string{err.Error()}
	}
	var errs []string
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			errs = append(errs, e.Error())
		}
	})
	return errs
}
