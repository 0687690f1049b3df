package kms

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// LoginAWSIAM names AWS IAM Auth in messages.
const LoginAWSIAM = "AWS IAM Auth"

// STSGetCallerIdentityBody is the form body of the signed request: the one
// STS action the KMS forwards.
const STSGetCallerIdentityBody = "Action=GetCallerIdentity&Version=2011-06-15"

// AWSIAMAuth logs in with an AWS identity (an IAM user, a role from EC2, ECS,
// EKS web identity...) for the machine identity whose AWS Auth trusts it
// (POST /api/v1/auth/aws-auth/login). It signs an sts:GetCallerIdentity
// request with the AWS credentials, without sending it: the KMS sends it to
// STS and matches the answered account and ARN against the identity's.
//
// The login body carries no URL: the KMS reads the region from the signature's
// credential scope and calls https://sts.<region>.amazonaws.com, so the
// request is signed for that regional endpoint (Infisical's
// backend/src/services/identity-aws-auth/identity-aws-auth-service.ts).
type AWSIAMAuth struct {
	IdentityID string
	Region     string
	// Credentials is asked at every login (the SDK's chain refreshes role
	// credentials before they expire).
	Credentials aws.CredentialsProvider
	// Now is the signing clock (tests); time.Now by default.
	Now func() time.Time
}

type awsIAMLoginRequest struct {
	IdentityID           string `json:"identityId"`
	IAMHTTPRequestMethod string `json:"iamHttpRequestMethod"`
	IAMRequestBody       string `json:"iamRequestBody"`
	IAMRequestHeaders    string `json:"iamRequestHeaders"`
}

// Name implements LoginMethod.
func (AWSIAMAuth) Name() string { return LoginAWSIAM }

// Login implements LoginMethod.
func (a AWSIAMAuth) Login(ctx context.Context, c *Client) (*TokenResponse, error) {
	if a.Credentials == nil {
		return nil, &CredentialError{Method: LoginAWSIAM, Source: "the AWS credential chain", Err: errors.New("no credentials provider")}
	}
	creds, err := a.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, &CredentialError{Method: LoginAWSIAM, Source: "the AWS credential chain (environment, shared files and profiles, web identity, ECS or EC2 metadata)", Err: err}
	}
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	headers, err := SignGetCallerIdentity(ctx, creds, a.Region, now())
	if err != nil {
		return nil, &CredentialError{Method: LoginAWSIAM, Source: "the AWS SigV4 signer", Err: err}
	}
	encoded, err := json.Marshal(headers)
	if err != nil {
		return nil, err
	}
	return c.postLogin(ctx, "/api/v1/auth/aws-auth/login", awsIAMLoginRequest{
		IdentityID:           a.IdentityID,
		IAMHTTPRequestMethod: http.MethodPost,
		IAMRequestBody:       base64.StdEncoding.EncodeToString([]byte(STSGetCallerIdentityBody)),
		IAMRequestHeaders:    base64.StdEncoding.EncodeToString(encoded),
	})
}

// STSHost is the regional STS endpoint the KMS calls for a region.
func STSHost(region string) string { return "sts." + region + ".amazonaws.com" }

// SignGetCallerIdentity signs, with the SDK's SigV4 signer, a POST of
// STSGetCallerIdentityBody to the regional STS endpoint and returns the
// request's headers as the KMS forwards them: one value per name (the KMS
// reads the Authorization header as a string), Host included.
func SignGetCallerIdentity(ctx context.Context, creds aws.Credentials, region string, at time.Time) (map[string]string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "https://"+STSHost(region)+"/", strings.NewReader(STSGetCallerIdentityBody))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(STSGetCallerIdentityBody))
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "sts", region, at.UTC()); err != nil {
		return nil, err
	}
	out := map[string]string{"Host": req.URL.Host}
	for name, values := range req.Header {
		if len(values) > 0 && !strings.EqualFold(name, "Content-Length") {
			out[name] = values[0]
		}
	}
	return out, nil
}
