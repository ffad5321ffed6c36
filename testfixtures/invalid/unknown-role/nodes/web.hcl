# There is no role "databse" (nor data/roles/databse.hcl).
node "web" {
  # expect-error: 4:19 Unknown role; No role "databse" in roles/*.hcl and no data/roles/databse.hcl.
  roles = ["web", "databse"]
}
