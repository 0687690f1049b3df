package framework

import (
	"runtime"
	"sync"
	"weak"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

// PerClient keeps one V for each provider client and key, for as long as
// that client lives: what a provider process has learnt from its KMS (a
// folder's names, a connection's answer) is shared by every resource of that
// process and dropped with its client. The zero value is ready to use.
type PerClient[K comparable, V any] struct {
	mu      sync.Mutex
	entries map[perClientKey[K]]*V
}

type perClientKey[K comparable] struct {
	client weak.Pointer[kms.Client]
	key    K
}

// Get returns the client's value for key, made (zero) when there is none and
// create is set; otherwise nil.
func (c *PerClient[K, V]) Get(client *kms.Client, key K, create bool) *V {
	k := perClientKey[K]{client: weak.Make(client), key: key}
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.entries[k]
	if !ok && create {
		if c.entries == nil {
			c.entries = map[perClientKey[K]]*V{}
		}
		v = new(V)
		c.entries[k] = v
		runtime.AddCleanup(client, c.forget, k)
	}
	return v
}

func (c *PerClient[K, V]) forget(k perClientKey[K]) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, k)
}
