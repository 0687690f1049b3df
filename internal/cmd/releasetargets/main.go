// Command releasetargets guards the release's target list, before a tag is
// pushed and around `make release-check`'s snapshot release:
//
//	go run ./internal/cmd/releasetargets -config .goreleaser.yml
//	go run ./internal/cmd/releasetargets -config .goreleaser.yml -dist dist [-archives]
//
// It reads the explicit target list (builds[].targets) of the goreleaser
// configuration and refuses any GOOS/GOARCH pair that `go tool dist list` does
// not name. With -dist, after a goreleaser snapshot, it checks that dist/
// holds the provider's binary for every target; with -archives too, one zip
// per target with the binary in it and a SHA256SUMS listing every zip and the
// registry manifest.
//
// The goos/goarch matrix form is refused on purpose: goreleaser drops the pairs
// of a matrix that its own table calls invalid without a word (windows/arm left
// the release that way when Go 1.25 removed the port), so a platform could
// vanish from a release unnoticed. From an explicit list goreleaser builds
// every target or fails, and this command checks exactly that list.
package main

import (
	"archive/zip"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// goreleaserConfig is the part of .goreleaser.yml this command reads.
type goreleaserConfig struct {
	ProjectName string            `yaml:"project_name"`
	Builds      []goreleaserBuild `yaml:"builds"`
}

type goreleaserBuild struct {
	ID      string   `yaml:"id"`
	Targets []string `yaml:"targets"`
	Goos    []string `yaml:"goos"`
	Goarch  []string `yaml:"goarch"`
	Ignore  []any    `yaml:"ignore"`
}

// target is one release target in goreleaser's notation (os_arch[_variant]).
type target struct {
	Name    string // as goreleaser names it, with the default variant filled in
	GOOS    string
	GOARCH  string
	Variant string // e.g. 6 for GOARM=6
}

// The variable each architecture's variant sets, and goreleaser's default
// variant when a target leaves it out (goreleaser fills these in itself, so a
// short `linux_arm` ships ARMv6, not Go's own cross-compiling default of v7).
var defaultVariants = map[string]string{
	"amd64": "v1",   // GOAMD64
	"386":   "sse2", // GO386
	"arm":   "6",    // GOARM
	"arm64": "v8.0", // GOARM64
}

func parseTarget(s string) (target, error) {
	parts := strings.Split(s, "_")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return target{}, fmt.Errorf("target %q: want os_arch or os_arch_variant (e.g. linux_arm64, linux_arm_6)", s)
	}
	t := target{GOOS: parts[0], GOARCH: parts[1]}
	fallback, hasVariants := defaultVariants[t.GOARCH]
	switch {
	case len(parts) == 3 && !hasVariants:
		return target{}, fmt.Errorf("target %q: %s takes no variant here", s, t.GOARCH)
	case len(parts) == 3:
		t.Variant = parts[2]
	case hasVariants:
		t.Variant = fallback
	}
	t.Name = t.GOOS + "_" + t.GOARCH
	if t.Variant != "" {
		t.Name += "_" + t.Variant
	}
	return t, nil
}

// releaseBuild is one build of the configuration with its targets parsed.
type releaseBuild struct {
	goreleaserBuild
	project string
	targets []target
}

// loadBuilds parses the configuration and every build's target list.
func loadBuilds(config []byte) ([]releaseBuild, error) {
	var cfg goreleaserConfig
	if err := yaml.Unmarshal(config, &cfg); err != nil {
		return nil, fmt.Errorf("parsing the goreleaser configuration: %w", err)
	}
	if cfg.ProjectName == "" {
		return nil, fmt.Errorf("no project_name: the archives and the binary are named after it")
	}
	if len(cfg.Builds) == 0 {
		return nil, fmt.Errorf("the goreleaser configuration has no builds")
	}
	builds := make([]releaseBuild, 0, len(cfg.Builds))
	for i, b := range cfg.Builds {
		name := fmt.Sprintf("builds[%d]", i)
		if b.ID != "" {
			name += " (" + b.ID + ")"
		}
		if len(b.Targets) == 0 {
			return nil, fmt.Errorf("%s: no targets list; list every os_arch explicitly (a goos/goarch matrix lets goreleaser skip a pair it considers invalid without failing)", name)
		}
		if len(b.Goos) > 0 || len(b.Goarch) > 0 || len(b.Ignore) > 0 {
			return nil, fmt.Errorf("%s: goos, goarch and ignore are ignored by goreleaser when targets is set; remove them", name)
		}
		rb := releaseBuild{goreleaserBuild: b, project: cfg.ProjectName}
		seen := map[string]bool{}
		for _, s := range b.Targets {
			t, err := parseTarget(s)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			if seen[t.Name] {
				return nil, fmt.Errorf("%s: target %s listed twice", name, t.Name)
			}
			seen[t.Name] = true
			rb.targets = append(rb.targets, t)
		}
		builds = append(builds, rb)
	}
	return builds, nil
}

// unsupported returns an error naming every target whose GOOS/GOARCH pair is
// not one of the toolchain's ports (ports as `go tool dist list` prints them).
func unsupported(builds []releaseBuild, ports map[string]bool, goVersion string) error {
	var bad []string
	for _, b := range builds {
		for _, t := range b.targets {
			if !ports[t.GOOS+"/"+t.GOARCH] {
				bad = append(bad, fmt.Sprintf("%s (%s/%s)", t.Name, t.GOOS, t.GOARCH))
			}
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("not supported by %s (not in `go tool dist list`), remove from the targets: %s", goVersion, strings.Join(bad, ", "))
	}
	return nil
}

func goOutput(args ...string) (string, error) {
	var stderr bytes.Buffer
	cmd := exec.Command("go", args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go %s: %w: %s", strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(string(out)), nil
}

func distPorts() (map[string]bool, error) {
	out, err := goOutput("tool", "dist", "list")
	if err != nil {
		return nil, err
	}
	ports := map[string]bool{}
	for _, line := range strings.Fields(out) {
		ports[line] = true
	}
	return ports, nil
}

// verifyBinaries checks what a snapshot build left in dist: for each target,
// the directory goreleaser names <project>_<target> holding the provider's
// binary, named as the registries expect.
func verifyBinaries(builds []releaseBuild, dist string) error {
	var problems []string
	count := 0
	for _, b := range builds {
		for _, t := range b.targets {
			count++
			entries, err := os.ReadDir(filepath.Join(dist, b.project+"_"+t.Name))
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s: no build: %v", t.Name, err))
				continue
			}
			names := make([]string, 0, len(entries))
			for _, e := range entries {
				names = append(names, e.Name())
			}
			if !slices.ContainsFunc(names, func(n string) bool { return isProviderBinary(n, b.project, t.GOOS) }) {
				problems = append(problems, fmt.Sprintf("%s: no %s_v<version> binary among %v", t.Name, b.project, names))
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: %s", dist, strings.Join(problems, "; "))
	}
	fmt.Printf("releasetargets: %s holds the provider binary of each of the %d targets\n", dist, count)
	return nil
}

// verifyArchives checks what a snapshot release left in dist: one zip per
// target, named for its os and arch as the registries expect and holding the
// provider's binary, and a SHA256SUMS listing every zip and the registry
// manifest.
func verifyArchives(builds []releaseBuild, dist string) error {
	sumsFiles, err := filepath.Glob(filepath.Join(dist, "*_SHA256SUMS"))
	if err != nil || len(sumsFiles) != 1 {
		return fmt.Errorf("%s: want one *_SHA256SUMS, found %v", dist, sumsFiles)
	}
	sums, err := os.ReadFile(sumsFiles[0])
	if err != nil {
		return err
	}
	summed := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(sums)), "\n") {
		if fields := strings.Fields(line); len(fields) == 2 {
			summed[fields[1]] = true
		}
	}
	zips, err := filepath.Glob(filepath.Join(dist, "*.zip"))
	if err != nil {
		return err
	}
	var problems []string
	count := 0
	for _, b := range builds {
		for _, t := range b.targets {
			count++
			suffix := "_" + t.GOOS + "_" + t.GOARCH + ".zip"
			var found []string
			for _, z := range zips {
				if strings.HasSuffix(z, suffix) {
					found = append(found, z)
				}
			}
			if len(found) != 1 {
				problems = append(problems, fmt.Sprintf("%s: want one *%s, found %d", t.Name, suffix, len(found)))
				continue
			}
			if !summed[filepath.Base(found[0])] {
				problems = append(problems, filepath.Base(found[0])+" missing from "+filepath.Base(sumsFiles[0]))
			}
			if err := zipHoldsProviderBinary(found[0], b.project, t.GOOS); err != nil {
				problems = append(problems, err.Error())
			}
		}
	}
	if len(zips) != count {
		problems = append(problems, fmt.Sprintf("%d zips in %s for %d targets", len(zips), dist, count))
	}
	manifest := false
	for name := range summed {
		manifest = manifest || strings.HasSuffix(name, "_manifest.json")
	}
	if !manifest {
		problems = append(problems, "no *_manifest.json in "+filepath.Base(sumsFiles[0]))
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: %s", dist, strings.Join(problems, "; "))
	}
	fmt.Printf("releasetargets: %s holds %d zips, each with its binary, and a SHA256SUMS listing them and the manifest\n", dist, count)
	return nil
}

// isProviderBinary reports whether name is the binary the registries look
// for: <project>_v<version>, with .exe on Windows.
func isProviderBinary(name, project, goos string) bool {
	if goos == "windows" {
		if !strings.HasSuffix(name, ".exe") {
			return false
		}
		name = strings.TrimSuffix(name, ".exe")
	}
	return strings.HasPrefix(name, project+"_v") && !strings.Contains(name, "/")
}

func zipHoldsProviderBinary(zipPath, project, goos string) error {
	r, err := zip.OpenReader(zipPath)
	if err != nil {
		return err
	}
	defer r.Close()
	for _, f := range r.File {
		if isProviderBinary(f.Name, project, goos) && f.UncompressedSize64 > 0 {
			return nil
		}
	}
	return fmt.Errorf("%s holds no %s_v<version> binary", filepath.Base(zipPath), project)
}

func run(configPath, dist string, archives, typecheck bool) error {
	config, err := os.ReadFile(configPath)
	if err != nil {
		return err
	}
	builds, err := loadBuilds(config)
	if err != nil {
		return fmt.Errorf("%s: %w", configPath, err)
	}
	goVersion, err := goOutput("env", "GOVERSION")
	if err != nil {
		return err
	}
	ports, err := distPorts()
	if err != nil {
		return err
	}
	if err := unsupported(builds, ports, goVersion); err != nil {
		return fmt.Errorf("%s: %w", configPath, err)
	}
	var names []string
	for _, b := range builds {
		for _, t := range b.targets {
			names = append(names, t.Name)
		}
	}
	fmt.Printf("releasetargets: %d targets in %s, all ports of %s: %s\n", len(names), configPath, goVersion, strings.Join(names, " "))
	if typecheck {
		var all []target
		for _, b := range builds {
			all = append(all, b.targets...)
		}
		if err := typeCheckTargets(filepath.Dir(configPath), all); err != nil {
			return err
		}
	}
	if dist == "" {
		return nil
	}
	if err := verifyBinaries(builds, dist); err != nil {
		return err
	}
	if archives {
		return verifyArchives(builds, dist)
	}
	return nil
}

func main() {
	configPath := flag.String("config", ".goreleaser.yml", "goreleaser configuration to read the targets from")
	dist := flag.String("dist", "", "after a snapshot build: check this dist directory holds every target's binary")
	archives := flag.Bool("archives", false, "with -dist, after a snapshot release: check the zips and SHA256SUMS too")
	typecheck := flag.Bool("typecheck", false, "type-check the provider from source for every target (a cross-build without code generation)")
	flag.Parse()
	if err := run(*configPath, *dist, *archives, *typecheck); err != nil {
		fmt.Fprintln(os.Stderr, "releasetargets:", err)
		os.Exit(1)
	}
}
