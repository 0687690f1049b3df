package kms

// The retry policy: which requests retryablehttp sends again, and how long it
// waits in between.

import (
	"context"
	"crypto/tls"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// retryPolicy says what checkRetry may send again; do puts it in the
// request's context, which retryablehttp hands to checkRetry even when
// there is no response.
type retryPolicy int

const (
	retryNotIdempotent retryPolicy = iota
	retryIdempotent
	retryLogin
)

type retryPolicyKey struct{}

func isGatewayStatus(status int) bool {
	return status == http.StatusBadGateway || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout
}

// checkRetry decides whether retryablehttp sends a request again.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	policy, _ := ctx.Value(retryPolicyKey{}).(retryPolicy)
	idempotent := policy == retryIdempotent
	if err != nil {
		var certErr *tls.CertificateVerificationError
		if errors.As(err, &certErr) {
			return false, err
		}
		// A request that never left cannot have been acted on.
		return idempotent || neverSent(err), err
	}
	switch {
	case policy == retryLogin:
		return false, nil
	case resp.StatusCode == http.StatusTooManyRequests:
		return true, nil // refused before acting: always safe
	case isGatewayStatus(resp.StatusCode):
		return idempotent, nil
	}
	return false, nil
}

// neverSent reports whether a transport error happened before the request
// could reach the server (the connection was never made).
func neverSent(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr)
}

// backoff waits exponentially with jitter between RetryWaitMin and
// RetryWaitMax, and honours a 429/503 Retry-After (seconds or HTTP date)
// up to RetryWaitMax.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if wait, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(wait, maxWait)
		}
	}
	wait := retryablehttp.DefaultBackoff(minWait, maxWait, attempt, nil)
	// Full jitter in the upper half keeps parallel applies from retrying in step.
	return wait/2 + rand.N(wait/2+1)
}

func parseRetryAfter(value string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if seconds, err := strconv.ParseInt(value, 10, 64); err == nil {
		if seconds < 0 {
			return 0, false
		}
		return time.Duration(seconds) * time.Second, true
	}
	when, err := http.ParseTime(value)
	if err != nil {
		return 0, false
	}
	return max(when.Sub(now), 0), true
}
