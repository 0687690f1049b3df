package acctest

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// BuildProviderAt builds this repository's provider as it was at commit and
// returns the binary's path. The binary is cached under the CLI cache
// (provider-<commit>/), so only the first run pays for the build. The source
// comes from `git archive` of the clone the tests run in, and the modules
// from the module cache or the proxy, as for any build. A clone without the
// commit (a shallow one) fails the test with the command that fetches it.
func BuildProviderAt(t testing.TB, commit string) string {
	t.Helper()
	bin := filepath.Join(DefaultCLICache(), "provider-"+commit, "terraform-provider-hanzokms")
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	top, err := gitOutput("", "rev-parse", "--show-toplevel")
	if err != nil {
		t.Fatalf("building the provider at %s needs the git clone the tests run in: %v", commit, err)
	}
	root := strings.TrimSpace(string(top))
	if _, err := gitOutput(root, "cat-file", "-e", commit+"^{commit}"); err != nil {
		shallow, _ := gitOutput(root, "rev-parse", "--is-shallow-repository")
		t.Fatalf("commit %s is not in this clone (shallow clone: %s). Fetch the history with "+
			"`git fetch --unshallow` (or `git fetch origin %s`); .ci/run does this in CI",
			commit, strings.TrimSpace(string(shallow)), commit)
	}
	archive, err := gitOutput(root, "archive", "--format=tar", commit)
	if err != nil {
		t.Fatalf("git archive %s: %v", commit, err)
	}
	src := t.TempDir()
	if err := extractTar(bytes.NewReader(archive), src); err != nil {
		t.Fatalf("extracting %s: %v", commit, err)
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	// Built beside its final name, then renamed: a concurrent or interrupted
	// run never finds half a binary.
	tmp := fmt.Sprintf("%s.%d.tmp", bin, os.Getpid())
	build := exec.Command("go", "build", "-o", tmp, ".")
	build.Dir = src
	build.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOFLAGS=-mod=readonly", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider at %s: %v\n%s", commit, err, out)
	}
	if err := os.Rename(tmp, bin); err != nil {
		t.Fatal(err)
	}
	return bin
}

func gitOutput(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// extractTar writes a git archive's regular files and directories under dir.
func extractTar(r io.Reader, dir string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(h.Name))
		if !strings.HasPrefix(target, filepath.Clean(dir)+string(os.PathSeparator)) {
			return fmt.Errorf("archive entry %q leaves the directory", h.Name)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, os.FileMode(h.Mode)&0o777)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		}
	}
}
