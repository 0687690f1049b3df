package kms

import (
	"context"
	"errors"
	"sync/atomic"
)

// Server releases differ in the routes of a few reads. A release as of
// mid-2025 (Infisical's backend as of 2025-06-22, which already serves the
// Auth0 client secret rotations of secret-rotation v2) has
//
//   - the secrets under /api/v3/secrets/raw (query workspaceId), and no
//     /api/v4/secrets (query projectId);
//   - the folder listing at /api/v1/folders (query workspaceId), and no
//     /api/v2/folders;
//   - the project read at /api/v1/workspace/{id} (answer "workspace"), and no
//     /api/v1/projects/{id} (answer "project").
//
// Later releases add the newer routes (the Hanzo fork keeps the older ones
// as deprecated aliases), and only the newer ones carry everything (the
// Hanzo fork checks its AI-access policy in the v4 read by name, never in
// the v3 one), so the
// client asks the newer route first and turns to the older one only when
// the server does not serve the newer at all (Fastify's route-missing 404).
// Each route family is told apart once per client and remembered.

// Generations of one route family.
const (
	generationUnknown int32 = iota
	generationNewer
	generationOlder
)

// routeGeneration remembers which generation of one route family the server
// serves. It is safe for concurrent use: while it is unknown, one request at
// a time asks, so that parallel callers wait for one answer instead of each
// meeting the missing route.
type routeGeneration struct {
	// family names the routes in logs, e.g. "secrets".
	family, newer, older string
	known                atomic.Int32
	// probe is held by the caller that is finding the generation out.
	probe chan struct{}
}

func newRouteGeneration(family, newer, older string) *routeGeneration {
	return &routeGeneration{family: family, newer: newer, older: older, probe: make(chan struct{}, 1)}
}

// call sends the request of the generation the server serves: callNewer
// while that is unknown or known to be the newer; callOlder when the server
// answered the newer route with Fastify's route-missing 404 and the older
// one with anything its service answers. When neither route is served (a
// wrong path prefix in the host, or not a KMS at all) nothing is remembered
// and the newer route's answer is returned: it is the one to explain.
func (g *routeGeneration) call(ctx context.Context, logger Logger, callNewer, callOlder func() error) error {
	if done, err := g.callKnown(callNewer, callOlder); done {
		return err
	}
	select {
	case g.probe <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-g.probe }()
	// Another caller may have found it out while this one waited.
	if done, err := g.callKnown(callNewer, callOlder); done {
		return err
	}

	err := callNewer()
	if !IsRouteNotFound(err) {
		if answeredByTheService(err) {
			g.known.Store(generationNewer)
		}
		return err
	}
	olderErr := callOlder()
	if IsRouteNotFound(olderErr) {
		return err
	}
	if answeredByTheService(olderErr) {
		g.known.Store(generationOlder)
		logger.Debug(ctx, "hanzokms: the server has no "+g.family+" routes of the newer generation; using the older ones from now on",
			map[string]any{"family": g.family, "newer": g.newer, "older": g.older})
	}
	return olderErr
}

// callKnown sends the request of the known generation; done is false while
// it is unknown.
func (g *routeGeneration) callKnown(callNewer, callOlder func() error) (done bool, err error) {
	switch g.known.Load() {
	case generationNewer:
		return true, callNewer()
	case generationOlder:
		return true, callOlder()
	}
	return false, nil
}

// isOlder reports whether the server is known to serve only the older routes.
func (g *routeGeneration) isOlder() bool { return g.known.Load() == generationOlder }

// answeredByTheService reports whether err (nil: a 2xx answer) proves that
// the route exists: an answer of the service itself, not a transport
// failure, a proxy's page or the framework's route-missing 404.
func answeredByTheService(err error) bool {
	if err == nil {
		return true
	}
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.fromService
}

// routeGenerations are the route families whose generation a client tells
// apart.
type routeGenerations struct {
	secrets, folders, projects *routeGeneration
}

func newRouteGenerations() routeGenerations {
	return routeGenerations{
		secrets:  newRouteGeneration("secrets", "/api/v4/secrets", "/api/v3/secrets/raw"),
		folders:  newRouteGeneration("folder", "/api/v2/folders", "/api/v1/folders"),
		projects: newRouteGeneration("project", "/api/v1/projects/{id}", "/api/v1/workspace/{id}"),
	}
}
