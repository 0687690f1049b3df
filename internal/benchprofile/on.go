//go:build benchprofile

package benchprofile

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
)

// Start begins the CPU profile if asked; stop ends it and writes the
// totals (and the allocation profile if asked). Errors only lose the profile: the provider runs on.
func Start() (stop func()) {
	dir := os.Getenv(ProfileDirVariable)
	if dir == "" {
		return func() {}
	}
	pid := os.Getpid()
	profiles := os.Getenv(PprofVariable) == "1"
	var cpu *os.File
	if profiles {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("cpu-%d.pprof", pid)))
		if err == nil && pprof.StartCPUProfile(f) == nil {
			cpu = f
		} else if err == nil {
			f.Close()
		}
	}
	return func() {
		if cpu != nil {
			pprof.StopCPUProfile()
			cpu.Close()
		}
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		_ = os.WriteFile(filepath.Join(dir, fmt.Sprintf("stats-%d.txt", pid)),
			fmt.Appendf(nil, "%d %d\n", m.Mallocs, m.TotalAlloc), 0o600)
		if !profiles {
			return
		}
		if f, err := os.Create(filepath.Join(dir, fmt.Sprintf("allocs-%d.pprof", pid))); err == nil {
			_ = pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}
	}
}
