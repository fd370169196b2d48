# Remote state: S3 for the state file, DynamoDB for the lock, as the original design (the shared
# kuroshio-lab state bucket). This is a partial configuration so that no account's bucket name is
# written here: copy backend.hcl.example to backend.hcl, fill it in, then
#
#   terraform init -backend-config=backend.hcl
#
# The state holds the generated database password and API key (random_password results and
# the secret versions), so the bucket must be encrypted and readable only by the people who
# deploy; `encrypt = true` in the example turns on server-side encryption of the object.
#
# To try the configuration without a bucket (validate, plan against a scratch account), run
# `terraform init -backend=false` for validate, or delete this block to keep state locally.

terraform {
  backend "s3" {}
}
