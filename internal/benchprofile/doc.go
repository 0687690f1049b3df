// Package benchprofile lets `make bench` look inside the provider processes
// the CLI starts. Built with the benchprofile tag (only the bench builds so),
// Start reads HANZOKMS_BENCH_PROFILE_DIR and, when it is set, writes into it
// for each process one line of totals (stats-<pid>.txt: objects allocated,
// bytes allocated) and, with HANZOKMS_BENCH_PPROF=1 too, a CPU profile
// (cpu-<pid>.pprof) and an allocation profile (allocs-<pid>.pprof). The CPU
// profile is asked for apart because sampling costs CPU itself: a run without
// it measures the provider as it ships. Without the tag, as in every release build,
// Start does nothing and pulls in neither runtime/pprof nor any file writing.
package benchprofile

// ProfileDirVariable names the directory the profiles are written to.
const ProfileDirVariable = "HANZOKMS_BENCH_PROFILE_DIR"

// PprofVariable, set to 1, adds the CPU and allocation profiles.
const PprofVariable = "HANZOKMS_BENCH_PPROF"
