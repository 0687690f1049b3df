# AWS IAM Auth, from EC2, ECS, EKS or any runner with AWS credentials: the
# provider signs sts:GetCallerIdentity with the AWS SDK's credential chain and
# the KMS has AWS STS confirm the caller's account and role. The region comes
# from AWS_REGION (or the profile), or aws_iam_region.
provider "hanzokms" {
  host                = "https://kms.example.com"
  aws_iam_identity_id = "9c4b1e2d-7a3f-4e5b-8c6d-0f1a2b3c4d5e"
  aws_iam_region      = "eu-west-1"
}
