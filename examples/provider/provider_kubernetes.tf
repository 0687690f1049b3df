# Kubernetes Auth, from a pod: the KMS reviews the pod's service account token
# with the cluster (TokenReview). The token file is read again at every login;
# by default it is /var/run/secrets/kubernetes.io/serviceaccount/token.
provider "hanzokms" {
  host                   = "https://kms.example.com"
  kubernetes_identity_id = "0e7c2a4b-6d1f-4a3e-8b5c-9f2e1d0c3b4a"
}
