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
}
