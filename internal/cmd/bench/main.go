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
// provider's peak memory (max RSS of its processes, via rsswrap).
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
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/envvar"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localstack"
)

type result struct {
	wall       time.Duration
	requests   map[string]int
	logins     int
	peakRSSKiB int
	pluginCPU  float64 // CPU seconds of all provider processes of the phase
	serverCPU  float64 // CPU seconds of this process (the local KMS and Auth0) during the phase
}

var (
	phases   = []string{"apply", "plan", "refresh", "destroy"}
	subjects = []string{"terraform_data", "nop", "nop_rotation", "hanzokms"}
)

func main() {
	cliFlag := flag.String("tofu", "", "path of the Terraform/OpenTofu CLI (required)")
	nsFlag := flag.String("n", "10,100,500", "comma-separated resource counts")
	flag.Parse()
	if err := run(*cliFlag, *nsFlag); err != nil {
		fmt.Fprintln(os.Stderr, "bench FAILED:", err)
		os.Exit(1)
	}
}

func run(cli, nsList string) error {
	if cli == "" {
		return errors.New("-tofu is required")
	}
	cli, _ = filepath.Abs(cli)
	var ns []int
	for _, s := range strings.Split(nsList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("bad -n %q", s)
		}
		ns = append(ns, n)
	}
	work, err := os.MkdirTemp("", "hanzokms-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	fmt.Println("bench: building the provider, the do-nothing fixture and the RSS wrapper")
	plugins := filepath.Join(work, "plugins")
	for _, b := range []struct{ pkg, dir, name string }{
		{"github.com/hanzoai/terraform-provider-hanzokms", "hanzokms", "terraform-provider-hanzokms"},
		{"github.com/hanzoai/terraform-provider-hanzokms/internal/cmd/benchnop", "nop", "terraform-provider-nop"},
	} {
		dir := filepath.Join(plugins, b.dir)
		if err := goBuild(b.pkg, filepath.Join(dir, b.name+".real")); err != nil {
			return err
		}
		if err := goBuild("github.com/hanzoai/terraform-provider-hanzokms/internal/cmd/rsswrap", filepath.Join(dir, b.name)); err != nil {
			return err
		}
	}
	cliConfig := filepath.Join(work, "cli.tfrc")
	cfg := fmt.Sprintf("disable_checkpoint = true\nprovider_installation {\n  dev_overrides {\n    \"hanzoai/hanzokms\" = %q\n    \"hanzoai/nop\" = %q\n  }\n  direct {}\n}\n",
		filepath.Join(plugins, "hanzokms"), filepath.Join(plugins, "nop"))
	if err := os.WriteFile(cliConfig, []byte(cfg), 0o600); err != nil {
		return err
	}
	version, _ := exec.Command(cli, "version").Output()
	fmt.Printf("bench: CLI %s", firstLine(string(version)))

	all := map[int]map[string]map[string]result{}
	for _, n := range ns {
		all[n] = map[string]map[string]result{}
		for _, subject := range subjects {
			fmt.Printf("bench: N=%d %s ...\n", n, subject)
			res, err := runSubject(cli, cliConfig, work, subject, n)
			if err != nil {
				return fmt.Errorf("%s at N=%d: %w", subject, n, err)
			}
			all[n][subject] = res
		}
	}
	printTable(ns, all)
	return nil
}

func goBuild(pkg, out string) error {
	if b, err := exec.Command("go", "build", "-o", out, pkg).CombinedOutput(); err != nil {
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

func runSubject(cli, cliConfig, work, subject string, n int) (map[string]result, error) {
	dir := filepath.Join(work, fmt.Sprintf("%s-%d", subject, n))
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
	if subject == "hanzokms" {
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
		start, cpuBefore := time.Now(), selfCPU()
		if err := tf(cli, dir, env, args[phase]...); err != nil {
			return nil, fmt.Errorf("%s: %w", phase, err)
		}
		r := result{wall: time.Since(start), serverCPU: selfCPU() - cpuBefore}
		r.peakRSSKiB, r.pluginCPU = pluginUsage(rssFile)
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

func selfCPU() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

func printTable(ns []int, all map[int]map[string]map[string]result) {
	fmt.Println()
	fmt.Println("| N | phase | terraform_data | nop provider | same-schema nop | hanzokms | × terraform_data | × nop | × same-schema nop | KMS requests / resource | logins | peak RSS same-schema nop / hanzokms | provider CPU same-schema nop / hanzokms | local KMS+Auth0 CPU |")
	fmt.Println("|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|")
	for _, n := range ns {
		for _, phase := range phases {
			td, nop, same, h := all[n]["terraform_data"][phase], all[n]["nop"][phase], all[n]["nop_rotation"][phase], all[n]["hanzokms"][phase]
			fmt.Printf("| %d | %s | %.2fs | %.2fs | %.2fs | %.2fs | %.2f | %.2f | %.2f | %s | %d | %s / %s | %.2fs / %.2fs | %.2fs |\n",
				n, phase, td.wall.Seconds(), nop.wall.Seconds(), same.wall.Seconds(), h.wall.Seconds(),
				h.wall.Seconds()/td.wall.Seconds(), h.wall.Seconds()/nop.wall.Seconds(), h.wall.Seconds()/same.wall.Seconds(),
				perResource(h.requests, n), h.logins, mib(same.peakRSSKiB), mib(h.peakRSSKiB),
				same.pluginCPU, h.pluginCPU, h.serverCPU)
		}
	}
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
