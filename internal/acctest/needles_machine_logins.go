package acctest

import (
	"fmt"
	"strings"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localstack"
)

// Kinds of secret of the machine-identity logins that prove a platform
// identity (Kubernetes, AWS).
const (
	// KindKubernetesToken: a service account token (or its signature).
	KindKubernetesToken = "Kubernetes service account token"
	// KindAWSSecret: an AWS secret access key or session token.
	KindAWSSecret = "AWS secret access key or session token"
	// KindAWSSignature: the SigV4 signature of a signed GetCallerIdentity.
	KindAWSSignature = "AWS SigV4 signature"
	// KindGCPToken: a GCE identity token, a JWT signed by signJwt, or a
	// Google OAuth2 access token (with each JWT's signature).
	KindGCPToken = "GCP identity token, signed JWT or access token"
	// KindAzureToken: an Azure managed identity access token (or its signature).
	KindAzureToken = "Azure managed identity access token"
)

// addMachineLogins records every service account token the local cluster
// issued, every AWS secret key and session token the local STS knows, every
// signature it was sent, and every token the GCP and Azure stand-ins issued.
// What a stand-in served for a login (a token it issued, a signed request
// STS answered) also counts as served, each time (ExpectServed).
func (n *Needles) addMachineLogins(st *localstack.Stack) {
	if st.Cluster != nil {
		for i, tok := range st.Cluster.IssuedTokens() {
			n.addServed(KindKubernetesToken, fmt.Sprintf("service account token #%d", i), tok)
			if dot := strings.LastIndex(tok, "."); dot >= 0 {
				n.Add(KindKubernetesToken, fmt.Sprintf("service account token #%d signature", i), tok[dot+1:])
			}
		}
	}
	if st.STS != nil {
		for _, p := range st.STS.Principals() {
			n.Add(KindAWSSecret, p.AccessKeyID+" secret access key", p.SecretAccessKey)
			n.Add(KindAWSSecret, p.AccessKeyID+" session token", p.SessionToken)
		}
		// A refused call's signature is searched for too; only the answered
		// ones are logins served.
		for i, c := range st.STS.Calls() {
			if c.Error == "" {
				n.addServed(KindAWSSignature, fmt.Sprintf("STS call #%d signature", i), c.Signature)
			} else {
				n.Add(KindAWSSignature, fmt.Sprintf("STS call #%d signature (refused: %s)", i, c.Error), c.Signature)
			}
		}
	}
	if st.GCP != nil {
		for i, tok := range st.GCP.Issued() {
			n.addServedJWT(KindGCPToken, fmt.Sprintf("GCP %s token #%d", tok.Kind, i), tok.Value)
		}
	}
	if st.Azure != nil {
		for i, tok := range st.Azure.Issued() {
			n.addServedJWT(KindAzureToken, fmt.Sprintf("Azure token #%d", i), tok.Value)
		}
	}
}

// addServedJWT adds a token a stand-in served and, when it is a JWT, its
// signature alone (searched for, not served on its own).
func (n *Needles) addServedJWT(kind, label, tok string) {
	n.addServed(kind, label, tok)
	if strings.Count(tok, ".") == 2 {
		n.Add(kind, label+" signature", tok[strings.LastIndex(tok, ".")+1:])
	}
}
