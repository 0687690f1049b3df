//go:build !benchprofile

package benchprofile

// Start does nothing in builds without the benchprofile tag.
func Start() (stop func()) { return func() {} }
