package localkms

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// AWSIdentity is a machine identity with AWS Auth, configured as on the
// server (Infisical's backend/src/services/identity-aws-auth/identity-aws-auth-service.ts).
type AWSIdentity struct {
	ID string `json:"id"`
	// AllowedAccountIDs and AllowedPrincipalARNs: comma separated; "" allows
	// any. ARNs may hold * and match an assumed role as its role.
	AllowedAccountIDs    string `json:"allowedAccountIds,omitempty"`
	AllowedPrincipalARNs string `json:"allowedPrincipalArns,omitempty"`
	AccessTokenTTL       *int64 `json:"accessTokenTTL,omitempty"`
	AccessTokenMaxTTL    *int64 `json:"accessTokenMaxTTL,omitempty"`
}

// AddAWSIdentity adds (or replaces) an identity with AWS Auth.
func (s *Server) AddAWSIdentity(a AWSIdentity) error {
	if a.ID == "" {
		return errors.New("local kms: an AWS identity needs an id")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.AWSIdentities == nil {
		s.st.AWSIdentities = map[string]*AWSIdentity{}
	}
	s.st.AWSIdentities[a.ID] = &a
	s.persist()
	return nil
}

var (
	awsRegionPattern     = regexp.MustCompile(`^[a-z0-9-]{1,20}$`)
	awsCredentialPattern = regexp.MustCompile(`Credential=[^/ ]*/[^/ ]*/([^/ ,]*)`)
)

// stsURL is where the login's request goes for a region: the server calls
// https://sts.<region>.amazonaws.com; the local KMS calls Options.STSURL.
func (s *Server) stsURL(region string) string {
	if s.opts.STSURL != nil {
		return s.opts.STSURL(region)
	}
	return "https://sts." + region + ".amazonaws.com"
}

// awsLogin forwards the signed GetCallerIdentity to STS and checks the
// answered account and ARN as the server does: 404 without AWS Auth; 400
// "Invalid AWS region" when the Authorization header names none; a refusal
// by STS (any non-2xx) as the server's catch-all 500; an account or ARN not
// allowed as 401.
func (s *Server) awsLogin(w http.ResponseWriter, r *http.Request) {
	var body struct {
		IdentityID           string `json:"identityId"`
		IAMHTTPRequestMethod string `json:"iamHttpRequestMethod"`
		IAMRequestBody       string `json:"iamRequestBody"`
		IAMRequestHeaders    string `json:"iamRequestHeaders"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if body.IAMHTTPRequestMethod == "" {
		body.IAMHTTPRequestMethod = http.MethodPost
	}
	cfg, ok := identityConfig(s, func(st *state) map[string]*AWSIdentity { return st.AWSIdentities }, strings.TrimSpace(body.IdentityID))
	if !ok {
		apiError(w, 404, "NotFound", "AWS auth method not found for identity, did you configure AWS auth?")
		return
	}
	rawHeaders, _ := base64.StdEncoding.DecodeString(body.IAMRequestHeaders)
	rawBody, _ := base64.StdEncoding.DecodeString(body.IAMRequestBody)
	var headers map[string]string // a header that is not a string fails like a missing one
	_ = json.Unmarshal(rawHeaders, &headers)
	auth := headers["Authorization"]
	if auth == "" {
		auth = headers["authorization"]
	}
	region := ""
	if m := awsCredentialPattern.FindStringSubmatch(auth); m != nil {
		region = m[1]
	}
	if !awsRegionPattern.MatchString(region) {
		apiError(w, 400, "BadRequest", "Invalid AWS region")
		return
	}
	account, arn, err := s.callSTS(r, region, body.IAMHTTPRequestMethod, headers, rawBody)
	if err != nil {
		if s.opts.Logger != nil {
			s.opts.Logger.Printf("local kms: AWS login: STS: %v", err)
		}
		apiError(w, 500, "InternalServerError", "Something went wrong")
		return
	}
	if cfg.AllowedAccountIDs != "" && !inCommaList(cfg.AllowedAccountIDs, account) {
		apiError(w, 401, "UnauthorizedError", "Access denied: AWS account ID not allowed.")
		return
	}
	if cfg.AllowedPrincipalARNs != "" {
		formatted, asRole, err := principalARN(arn)
		if err != nil {
			apiError(w, 500, "InternalServerError", "Something went wrong")
			return
		}
		allowed := false
		for _, p := range strings.Split(cfg.AllowedPrincipalARNs, ",") {
			re := regexp.MustCompile("^" + strings.ReplaceAll(regexp.QuoteMeta(strings.TrimSpace(p)), `\*`, ".*") + "$")
			allowed = allowed || re.MatchString(formatted) || re.MatchString(asRole)
		}
		if !allowed {
			apiError(w, 401, "UnauthorizedError", "Access denied: AWS principal ARN not allowed. [principal-arn="+formatted+"]")
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.issueLoginToken(w, cfg.ID, cfg.AccessTokenTTL, cfg.AccessTokenMaxTTL)
}

func inCommaList(list, value string) bool {
	for _, v := range strings.Split(list, ",") {
		if strings.TrimSpace(v) == value {
			return true
		}
	}
	return false
}

// callSTS sends the caller's signed request on, as the server does: the
// given headers (Host included, so the signature still matches), asking
// for JSON as the server's HTTP client does by default.
func (s *Server) callSTS(r *http.Request, region, method string, headers map[string]string, body []byte) (account, arn string, err error) {
	req, err := http.NewRequestWithContext(r.Context(), method, s.stsURL(region), strings.NewReader(string(body)))
	if err != nil {
		return "", "", err
	}
	req.Header.Set("Accept", "application/json, text/plain, */*")
	for k, v := range headers {
		if strings.EqualFold(k, "host") {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	client := &http.Client{Transport: cleanTransport(), Timeout: 20 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return "", "", err
	}
	defer func() { _ = resp.Body.Close() }()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		return "", "", fmt.Errorf("HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(data)))
	}
	var out struct {
		GetCallerIdentityResponse struct {
			GetCallerIdentityResult struct {
				Account, Arn string
			}
		}
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return "", "", err
	}
	res := out.GetCallerIdentityResponse.GetCallerIdentityResult
	return res.Account, res.Arn, nil
}

// principalARN is the server's normalised ARN of a caller, and the same as
// an IAM role when the caller is an assumed role:
// arn:aws:sts::1:assumed-role/r/session is arn:aws:sts::1:assumed-role/r and
// arn:aws:iam::1:role/r.
func principalARN(arn string) (formatted, asRole string, err error) {
	parts := strings.Split(arn, ":")
	if len(parts) != 6 || parts[0] != "arn" || (parts[2] != "iam" && parts[2] != "sts") {
		return "", "", fmt.Errorf("unrecognized ARN %q", arn)
	}
	service, account := parts[2], parts[4]
	res := strings.Split(parts[5], "/")
	if len(res) < 2 {
		return "", "", fmt.Errorf("unrecognized ARN %q", arn)
	}
	typ, name := res[0], res[len(res)-1]
	roleType := typ
	switch typ {
	case "assumed-role":
		if len(res) < 3 {
			return "", "", fmt.Errorf("unrecognized ARN %q", arn)
		}
		name, roleType = res[1], "role"
	case "user", "role", "instance-profile":
	default:
		return "", "", fmt.Errorf("unrecognized principal type %q", typ)
	}
	formatted = "arn:aws:" + service + "::" + account + ":" + typ + "/" + name
	asRole = "arn:aws:iam::" + account + ":" + roleType + "/" + name
	return formatted, asRole, nil
}
