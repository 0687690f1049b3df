// Command rsswrap measures a provider's peak memory for `make bench`: the CLI
// starts it in the provider's place; it runs <its own path>.real with the same
// arguments, standard streams and environment, and when that exits appends
// "<name> <max RSS in KiB> <CPU seconds>" to $HANZOKMS_BENCH_RSS_FILE.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
)

func main() {
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cmd := exec.Command(self+".real", os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	go func() {
		for s := range signals {
			_ = cmd.Process.Signal(s)
		}
	}()
	_ = cmd.Wait()
	if out := os.Getenv("HANZOKMS_BENCH_RSS_FILE"); out != "" {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			if f, err := os.OpenFile(out, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600); err == nil {
				cpu := float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
				fmt.Fprintf(f, "%s %d %.3f\n", filepath.Base(self), ru.Maxrss, cpu)
				f.Close()
			}
		}
	}
	os.Exit(cmd.ProcessState.ExitCode())
}
