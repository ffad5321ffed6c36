role "mail-relay" {
}
