package acctest

import (
	"fmt"
	"strings"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/localstack"
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
// issued, every AWS secret key and session token the local STS knows, and
// every signature it was sent.
func (n *Needles) addMachineLogins(st *localstack.Stack) {
	if st.Cluster != nil {
		for i, tok := range st.Cluster.IssuedTokens() {
			n.Add(KindKubernetesToken, fmt.Sprintf("service account token #%d", i), tok)
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
		for i, c := range st.STS.Calls() {
			n.Add(KindAWSSignature, fmt.Sprintf("STS call #%d signature", i), c.Signature)
		}
	}
	if st.GCP != nil {
		for i, tok := range st.GCP.Issued() {
			n.addJWT(KindGCPToken, fmt.Sprintf("GCP %s token #%d", tok.Kind, i), tok.Value)
		}
	}
	if st.Azure != nil {
		for i, tok := range st.Azure.Issued() {
			n.addJWT(KindAzureToken, fmt.Sprintf("Azure token #%d", i), tok.Value)
		}
	}
}

// addJWT adds a token and, when it is a JWT, its signature alone.
func (n *Needles) addJWT(kind, label, tok string) {
	n.Add(kind, label, tok)
	if strings.Count(tok, ".") == 2 {
		n.Add(kind, label+" signature", tok[strings.LastIndex(tok, ".")+1:])
	}
}
