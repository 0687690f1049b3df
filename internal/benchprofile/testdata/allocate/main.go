// Command allocate starts benchprofile, allocates a known amount and stops:
// the test of the package runs it built with and without the tag.
package main

import (
	"fmt"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/benchprofile"
)

var sink [][]byte

func main() {
	stop := benchprofile.Start()
	for range 1000 {
		sink = append(sink, make([]byte, 1024))
	}
	stop()
	fmt.Println(len(sink))
}
