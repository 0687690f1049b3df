// Command bench measures hanzokms_auth0_client_secret_rotation at scale with
// the real CLI against the local KMS (`make bench`). For each N it applies,
// plans with no change, applies refresh-only and destroys N resources of three
// subjects on the same CLI in the same run:
//
//   - terraform_data: the CLI's built-in resource (no plugin at all);
//   - nop_thing:      a do-nothing resource of a minimal provider on the same
//     framework version (the floor of any plugin provider);
//   - nop_rotation:   a do-nothing resource of that provider with the very
//     schema of the rotation resource (what the framework costs for it);
//   - hanzokms:       N rotations against the local KMS and Auth0.
//
// It prints wall time per phase, the ratio to each baseline, the KMS requests
// per resource per phase (from the local KMS's counters: the total, then each
// route; logins apart), the logins, and the
// provider's peak memory (max RSS of its processes, via rsswrap). A second
// table gives, per phase, each plugin's CPU time and allocations per resource
// (the provider and the do-nothing fixture are built with the benchprofile
// tag, so each of their processes writes its allocation totals).
//
// -baseline <git revision> adds a fifth subject: the provider built from that
// revision, run against the same local stack right before the current one in
// every repetition, so that a change is judged against its parent in one run
// on one machine. -repeat R runs every subject R times (interleaved) and the
// tables give the median with the spread (min-max) beside it. -pprof <dir>
// keeps every provider process's CPU and allocation profiles there, one
// directory per subject, N and phase (`go tool pprof -top <dir>/hanzokms-500-destroy/cpu-*`).
// -subjects limits the run to some subjects.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/benchprofile"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/envvar"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localstack"
)

type result struct {
	wall       time.Duration
	mallocs    uint64 // objects allocated by all provider processes of the phase (benchprofile builds only)
	allocBytes uint64 // bytes allocated by them
	requests   map[string]int
	logins     int
	peakRSSKiB int
	pluginCPU  float64 // CPU seconds of all provider processes of the phase
	serverCPU  float64 // CPU seconds of this process (the local KMS and Auth0) during the phase
}

var (
	phases      = []string{"apply", "plan", "refresh", "destroy"}
	allSubjects = []string{"terraform_data", "nop", "nop_rotation", "baseline", "hanzokms"}
)

type options struct {
	cli      string
	ns       []int
	subjects []string
	baseline string // git revision of the baseline provider, or ""
	repeat   int
	pprofDir string
}

func main() {
	cliFlag := flag.String("tofu", "", "path of the Terraform/OpenTofu CLI (required)")
	nsFlag := flag.String("n", "10,100,500", "comma-separated resource counts")
	subjectsFlag := flag.String("subjects", "", "comma-separated subjects to run (default: all; "+strings.Join(allSubjects, ", ")+")")
	baselineFlag := flag.String("baseline", "", "git revision whose provider runs beside the current one (the baseline subject)")
	repeatFlag := flag.Int("repeat", 1, "runs of every subject, interleaved; the tables give median and spread")
	pprofFlag := flag.String("pprof", "", "directory to keep the provider processes' CPU and allocation profiles in")
	flag.Parse()
	opts, err := parseOptions(*cliFlag, *nsFlag, *subjectsFlag, *baselineFlag, *repeatFlag, *pprofFlag)
	if err == nil {
		err = run(opts)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench FAILED:", err)
		os.Exit(1)
	}
}

func parseOptions(cli, nsList, subjectList, baseline string, repeat int, pprofDir string) (options, error) {
	if cli == "" {
		return options{}, errors.New("-tofu is required")
	}
	cli, _ = filepath.Abs(cli)
	opts := options{cli: cli, baseline: baseline, repeat: repeat, pprofDir: pprofDir}
	if repeat < 1 {
		return options{}, fmt.Errorf("-repeat %d: want 1 or more", repeat)
	}
	for _, s := range strings.Split(nsList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return options{}, fmt.Errorf("bad -n %q", s)
		}
		opts.ns = append(opts.ns, n)
	}
	wanted := map[string]bool{}
	for _, s := range strings.Split(subjectList, ",") {
		if s = strings.TrimSpace(s); s != "" {
			if !slices.Contains(allSubjects, s) {
				return options{}, fmt.Errorf("-subjects: unknown subject %q (want some of %s)", s, strings.Join(allSubjects, ", "))
			}
			wanted[s] = true
		}
	}
	for _, s := range allSubjects {
		if (len(wanted) == 0 || wanted[s]) && (s != "baseline" || baseline != "") {
			opts.subjects = append(opts.subjects, s)
		}
	}
	if wanted["baseline"] && baseline == "" {
		return options{}, errors.New("-subjects baseline needs -baseline <git revision>")
	}
	if pprofDir != "" {
		abs, err := filepath.Abs(pprofDir)
		if err != nil {
			return options{}, err
		}
		opts.pprofDir = abs
	}
	return opts, nil
}

func run(opts options) error {
	cli := opts.cli
	work, err := os.MkdirTemp("", "hanzokms-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	fmt.Println("bench: building the provider, the do-nothing fixture and the RSS wrapper")
	plugins := filepath.Join(work, "plugins")
	builds := []struct{ dir, pkg, subdir, name string }{
		{"", "github.com/hanzoai/terraform-provider-hanzokms", "hanzokms", "terraform-provider-hanzokms"},
		{"", "github.com/hanzoai/terraform-provider-hanzokms/internal/cmd/benchnop", "nop", "terraform-provider-nop"},
	}
	if opts.baseline != "" {
		src, err := exportRevision(opts.baseline, filepath.Join(work, "baseline-src"))
		if err != nil {
			return err
		}
		// The same provider address, from its own plugin directory: a
		// separate CLI configuration points hanzoai/hanzokms there.
		builds = append(builds, struct{ dir, pkg, subdir, name string }{src, ".", "baseline", "terraform-provider-hanzokms"})
	}
	for _, b := range builds {
		dir := filepath.Join(plugins, b.subdir)
		if err := goBuild(b.dir, b.pkg, filepath.Join(dir, b.name+".real")); err != nil {
			return err
		}
		if err := goBuild("", "github.com/hanzoai/terraform-provider-hanzokms/internal/cmd/rsswrap", filepath.Join(dir, b.name)); err != nil {
			return err
		}
	}
	cliConfigs := map[string]string{}
	for _, provider := range []string{"hanzokms", "baseline"} {
		cliConfig := filepath.Join(work, provider+".tfrc")
		cfg := fmt.Sprintf("disable_checkpoint = true\nprovider_installation {\n  dev_overrides {\n    \"hanzoai/hanzokms\" = %q\n    \"hanzoai/nop\" = %q\n  }\n  direct {}\n}\n",
			filepath.Join(plugins, provider), filepath.Join(plugins, "nop"))
		if err := os.WriteFile(cliConfig, []byte(cfg), 0o600); err != nil {
			return err
		}
		cliConfigs[provider] = cliConfig
	}
	version, _ := exec.Command(cli, "version").Output()
	fmt.Printf("bench: CLI %s", firstLine(string(version)))
	if opts.baseline != "" {
		fmt.Printf("bench: baseline is %s\n", opts.baseline)
	}

	all := map[int]map[string][]map[string]result{}
	for _, n := range opts.ns {
		all[n] = map[string][]map[string]result{}
		for rep := 1; rep <= opts.repeat; rep++ {
			for _, subject := range opts.subjects {
				fmt.Printf("bench: N=%d %s (run %d of %d) ...\n", n, subject, rep, opts.repeat)
				cliConfig := cliConfigs["hanzokms"]
				if subject == "baseline" {
					cliConfig = cliConfigs["baseline"]
				}
				res, err := runSubject(cli, cliConfig, work, subject, n, opts.pprofDir)
				if err != nil {
					return fmt.Errorf("%s at N=%d: %w", subject, n, err)
				}
				all[n][subject] = append(all[n][subject], res)
			}
		}
	}
	printTable(opts, all)
	printPerResource(opts, all)
	return nil
}

// exportRevision writes the tree of a git revision of this repository into
// dir (git archive: no worktree left behind) and returns dir.
func exportRevision(rev, dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	archive := exec.Command("git", "archive", "--format=tar", rev)
	untar := exec.Command("tar", "-x", "-C", dir)
	pipe, err := archive.StdoutPipe()
	if err != nil {
		return "", err
	}
	untar.Stdin = pipe
	var stderr bytes.Buffer
	archive.Stderr, untar.Stderr = &stderr, &stderr
	if err := untar.Start(); err != nil {
		return "", err
	}
	if err := archive.Run(); err != nil {
		return "", fmt.Errorf("git archive %s: %v: %s", rev, err, stderr.String())
	}
	if err := untar.Wait(); err != nil {
		return "", fmt.Errorf("unpacking %s: %v: %s", rev, err, stderr.String())
	}
	return dir, nil
}

// goBuild builds pkg (in dir, or here) with the benchprofile tag, which makes
// the provider and the fixture write their allocation totals and profiles
// (internal/benchprofile); a baseline revision from before that tag existed
// builds the same, without them.
func goBuild(dir, pkg, out string) error {
	cmd := exec.Command("go", "build", "-tags", "benchprofile", "-o", out, pkg)
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", pkg, err, b)
	}
	return nil
}

func config(subject string, n int) string {
	switch subject {
	case "terraform_data":
		return fmt.Sprintf("resource \"terraform_data\" \"r\" {\n  count = %d\n  input = \"value-${count.index}\"\n}\n", n)
	case "nop":
		return fmt.Sprintf(`terraform {
  required_providers {
    nop = { source = "hanzoai/nop" }
  }
}
resource "nop_thing" "r" {
  count = %d
  value = "value-${count.index}"
}
`, n)
	}
	resourceType, source := "hanzokms_auth0_client_secret_rotation", "hanzokms = { source = \"hanzoai/hanzokms\" }"
	if subject == "nop_rotation" {
		resourceType, source = "nop_rotation", "nop = { source = \"hanzoai/nop\" }"
	}
	return fmt.Sprintf(`terraform {
  required_providers {
    %s
  }
}
variable "connection_id" { type = string }
resource "%s" "r" {
  count                 = %d
  name                  = "rotation-${count.index}"
  project_id            = %q
  connection_id         = var.connection_id
  environment           = "dev"
  auto_rotation_enabled = false
  rotation_interval     = 30
  parameters            = { client_id = %q }
  secrets_mapping = {
    client_id     = "CLIENT_ID_${count.index}"
    client_secret = "CLIENT_SECRET_${count.index}"
  }
}
`, source, resourceType, n, localstack.ProjectID, localstack.AppClientID)
}

func runSubject(cli, cliConfig, work, subject string, n int, pprofDir string) (map[string]result, error) {
	dir := filepath.Join(work, fmt.Sprintf("%s-%d", subject, n))
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config(subject, n)), 0o600); err != nil {
		return nil, err
	}
	rssFile := filepath.Join(dir, "rss.txt")
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"HANZOKMS_BENCH_RSS_FILE="+rssFile)
	var stack *localstack.Stack
	if subject == "hanzokms" || subject == "baseline" {
		var err error
		if stack, err = localstack.Start(localstack.Options{}); err != nil {
			return nil, err
		}
		defer stack.Close()
		env = append(env, envvar.Host+"="+stack.KMSURL, envvar.ClientID+"="+localstack.IdentityClientID,
			envvar.ClientSecret+"="+stack.IdentityClientSecret, "TF_VAR_connection_id="+stack.ConnectionID)
	}
	if subject == "nop_rotation" {
		// The same configuration as hanzokms, pointing nowhere.
		env = append(env, "TF_VAR_connection_id=00000000-0000-4000-8000-000000000000")
	}
	if subject == "terraform_data" {
		// terraform_data needs no provider, but init still records the configuration.
		if err := tf(cli, dir, env, "init", "-input=false"); err != nil {
			return nil, err
		}
	}
	args := map[string][]string{
		"apply":   {"apply", "-auto-approve", "-input=false"},
		"plan":    {"plan", "-input=false", "-detailed-exitcode"},
		"refresh": {"apply", "-refresh-only", "-auto-approve", "-input=false"},
		"destroy": {"destroy", "-auto-approve", "-input=false"},
	}
	out := map[string]result{}
	for _, phase := range phases {
		_ = os.Remove(rssFile)
		if stack != nil {
			stack.KMS.ResetCounters()
		}
		profiles := filepath.Join(dir, "profiles-"+phase)
		if err := os.MkdirAll(profiles, 0o700); err != nil {
			return nil, err
		}
		phaseEnv := append(slices.Clip(env), benchprofile.ProfileDirVariable+"="+profiles)
		if pprofDir != "" {
			phaseEnv = append(phaseEnv, benchprofile.PprofVariable+"=1")
		}
		start, cpuBefore := time.Now(), selfCPU()
		if err := tf(cli, dir, phaseEnv, args[phase]...); err != nil {
			return nil, fmt.Errorf("%s: %w", phase, err)
		}
		r := result{wall: time.Since(start), serverCPU: selfCPU() - cpuBefore}
		r.peakRSSKiB, r.pluginCPU = pluginUsage(rssFile)
		r.mallocs, r.allocBytes = allocationTotals(profiles)
		if pprofDir != "" {
			if err := keepProfiles(profiles, filepath.Join(pprofDir, fmt.Sprintf("%s-%d-%s", subject, n, phase))); err != nil {
				return nil, err
			}
		}
		if stack != nil {
			r.requests = stack.KMS.Requests()
			r.logins = r.requests["POST /api/v1/auth/universal-auth/login"]
			if phase == "destroy" && len(stack.KMS.RotationIDs()) != 0 {
				return nil, errors.New("rotations left after destroy")
			}
		}
		out[phase] = r
	}
	return out, nil
}

// tf runs one CLI command; a plan with -detailed-exitcode must find nothing to do.
func tf(cli, dir string, env []string, args ...string) error {
	cmd := exec.Command(cli, append(args, "-no-color")...)
	cmd.Dir, cmd.Env = dir, env
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Run(); err != nil {
		tail := buf.String()
		if len(tail) > 4000 {
			tail = tail[len(tail)-4000:]
		}
		return fmt.Errorf("%s %s: %v\n%s", filepath.Base(cli), strings.Join(args, " "), err, tail)
	}
	return nil
}

// pluginUsage reads rsswrap's lines: the peak RSS of any provider process,
// and the CPU seconds of all of them.
func pluginUsage(file string) (peakKiB int, cpu float64) {
	f, err := os.Open(file)
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) != 3 {
			continue
		}
		if v, err := strconv.Atoi(fields[1]); err == nil && v > peakKiB {
			peakKiB = v
		}
		if c, err := strconv.ParseFloat(fields[2], 64); err == nil {
			cpu += c
		}
	}
	return peakKiB, cpu
}

// allocationTotals adds up the stats lines the provider processes of a phase
// wrote (objects and bytes allocated over each process's life).
func allocationTotals(dir string) (mallocs, bytes uint64) {
	files, _ := filepath.Glob(filepath.Join(dir, "stats-*.txt"))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		var m, by uint64
		if _, err := fmt.Sscan(string(b), &m, &by); err == nil {
			mallocs, bytes = mallocs+m, bytes+by
		}
	}
	return mallocs, bytes
}

// keepProfiles moves a phase's profiles to dest, replacing an earlier
// repetition's: the last run's profiles are kept.
func keepProfiles(from, dest string) error {
	if err := os.RemoveAll(dest); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o700); err != nil {
		return err
	}
	return os.Rename(from, dest)
}

func selfCPU() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

// printTable prints the wall-time table; with -repeat, each cell is the
// median over the repetitions (requests and logins are the same every run).
func printTable(opts options, all map[int]map[string][]map[string]result) {
	fmt.Println()
	fmt.Println("| N | phase | terraform_data | nop provider | same-schema nop | hanzokms | × terraform_data | × nop | × same-schema nop | KMS requests / resource | logins | peak RSS same-schema nop / hanzokms | provider CPU same-schema nop / hanzokms | local KMS+Auth0 CPU |")
	fmt.Println("|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|")
	for _, n := range opts.ns {
		for _, phase := range phases {
			td, nop, same, h := median(all[n]["terraform_data"], phase), median(all[n]["nop"], phase), median(all[n]["nop_rotation"], phase), median(all[n]["hanzokms"], phase)
			fmt.Printf("| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d | %s / %s | %s / %s | %.2fs |\n",
				n, phase, seconds(td.wall), seconds(nop.wall), seconds(same.wall), seconds(h.wall),
				ratio(h.wall, td.wall), ratio(h.wall, nop.wall), ratio(h.wall, same.wall),
				perResource(h.requests, n), h.logins, mib(same.peakRSSKiB), mib(h.peakRSSKiB),
				cpuSeconds(same.pluginCPU), cpuSeconds(h.pluginCPU), h.serverCPU)
		}
	}
}

// printPerResource prints, per phase, what each plugin spent per resource:
// CPU milliseconds and allocations (objects and KiB), each as the median with
// the repetitions' range, and how the current provider compares with the
// baseline when there is one.
func printPerResource(opts options, all map[int]map[string][]map[string]result) {
	fmt.Println()
	fmt.Println("| N | phase | subject | wall | provider CPU ms / resource | allocations / resource | KiB allocated / resource | peak RSS | KMS requests / resource |")
	fmt.Println("|---:|---|---|---:|---:|---:|---:|---:|---|")
	for _, n := range opts.ns {
		for _, phase := range phases {
			for _, subject := range opts.subjects {
				runs := all[n][subject]
				if subject == "terraform_data" || len(runs) == 0 {
					continue
				}
				cpu := spread(runs, phase, func(r result) float64 { return r.pluginCPU * 1000 / float64(n) })
				objects := spread(runs, phase, func(r result) float64 { return float64(r.mallocs) / float64(n) })
				kib := spread(runs, phase, func(r result) float64 { return float64(r.allocBytes) / 1024 / float64(n) })
				wall := spread(runs, phase, func(r result) float64 { return r.wall.Seconds() })
				rss := spread(runs, phase, func(r result) float64 { return float64(r.peakRSSKiB) / 1024 })
				requests := "-"
				if subject == "hanzokms" || subject == "baseline" {
					requests = perResource(runs[0][phase].requests, n)
				}
				fmt.Printf("| %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", n, phase, subjectLabel(subject, opts.baseline),
					wall.format("%.2fs"), cpu.format("%.2f"), objects.format("%.0f"), kib.format("%.1f"), rss.format("%.0f MiB"), requests)
			}
			if base, cur := all[n]["baseline"], all[n]["hanzokms"]; len(base) > 0 && len(cur) > 0 {
				b := spread(base, phase, func(r result) float64 { return r.pluginCPU * 1000 / float64(n) })
				c := spread(cur, phase, func(r result) float64 { return r.pluginCPU * 1000 / float64(n) })
				bo := spread(base, phase, func(r result) float64 { return float64(r.mallocs) / float64(n) })
				co := spread(cur, phase, func(r result) float64 { return float64(r.mallocs) / float64(n) })
				fmt.Printf("| %d | %s | **change** | | **%s** (%s) | **%s** | | | |\n", n, phase,
					percentChange(b.median, c.median), separation(b, c), percentChange(bo.median, co.median))
			}
		}
	}
}

func subjectLabel(subject, baseline string) string {
	switch subject {
	case "nop":
		return "nop provider"
	case "nop_rotation":
		return "same-schema nop"
	case "baseline":
		return "hanzokms at " + baseline
	}
	return subject
}

// stats is one measure over the repetitions.
type stats struct{ median, min, max float64 }

func spread(runs []map[string]result, phase string, measure func(result) float64) stats {
	values := make([]float64, 0, len(runs))
	for _, r := range runs {
		values = append(values, measure(r[phase]))
	}
	slices.Sort(values)
	return stats{median: medianOf(values), min: values[0], max: values[len(values)-1]}
}

func (s stats) format(verb string) string {
	if s.max == 0 {
		return "?"
	}
	if s.min == s.max {
		return fmt.Sprintf(verb, s.median)
	}
	return fmt.Sprintf(verb+" ("+verb+"-"+verb+")", s.median, s.min, s.max)
}

// separation says whether two spreads overlap: a change is only shown when
// the worst run of the better one beats the best run of the other.
func separation(before, after stats) string {
	switch {
	case after.max < before.min:
		return "outside the spread: every run below every baseline run"
	case after.min > before.max:
		return "outside the spread: every run above every baseline run"
	}
	return "within the spread"
}

func percentChange(before, after float64) string {
	if before == 0 {
		return "?"
	}
	return fmt.Sprintf("%+.1f%%", (after-before)*100/before)
}

// median picks, per measure, the median over the repetitions of one phase.
func median(runs []map[string]result, phase string) result {
	if len(runs) == 0 {
		return result{}
	}
	pick := func(measure func(result) float64) float64 {
		return spread(runs, phase, measure).median
	}
	return result{
		wall:       time.Duration(pick(func(r result) float64 { return float64(r.wall) })),
		requests:   runs[0][phase].requests,
		logins:     runs[0][phase].logins,
		peakRSSKiB: int(pick(func(r result) float64 { return float64(r.peakRSSKiB) })),
		pluginCPU:  pick(func(r result) float64 { return r.pluginCPU }),
		serverCPU:  pick(func(r result) float64 { return r.serverCPU }),
	}
}

func medianOf(sorted []float64) float64 {
	mid := len(sorted) / 2
	if len(sorted)%2 == 1 {
		return sorted[mid]
	}
	return (sorted[mid-1] + sorted[mid]) / 2
}

func seconds(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fs", d.Seconds())
}

func cpuSeconds(s float64) string {
	if s == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fs", s)
}

func ratio(a, b time.Duration) string {
	if a == 0 || b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", a.Seconds()/b.Seconds())
}

func perResource(requests map[string]int, n int) string {
	var parts []string
	total := 0
	keys := make([]string, 0, len(requests))
	for k := range requests {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if strings.HasSuffix(k, "/login") {
			continue
		}
		method, route, _ := strings.Cut(k, " ")
		route = strings.TrimPrefix(route, "/api/v2/secret-rotations/auth0-client-secret")
		if route == "" {
			route = "/"
		}
		total += requests[k]
		parts = append(parts, fmt.Sprintf("%s %s %.2f", method, route, float64(requests[k])/float64(n)))
	}
	if len(parts) == 0 {
		return "none"
	}
	// The total first: the number the phase is judged by.
	return fmt.Sprintf("**%.2f**: %s", float64(total)/float64(n), strings.Join(parts, ", "))
}

func mib(kib int) string {
	if kib == 0 {
		return "?"
	}
	return fmt.Sprintf("%.0f MiB", float64(kib)/1024)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i+1]
	}
	return s + "\n"
}
