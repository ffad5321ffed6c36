# emailout: the outgoing mail relay for the infrastructure's services.
node "emailout" {
  roles = ["mail-relay"]
}
