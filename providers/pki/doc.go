// Package pki provides resource kinds for certificates and keys:
// tls_certificate (a certificate chain and its private key, checked and
// installed together) and dkim_key.
//
// tls_certificate's job is checking and placing the pair, nothing else:
// it does not issue, renew or fetch certificates (the node repository
// supplies the PEM text), and telling a daemon to load the new pair is the
// job of a service resource the certificate notifies. Before anything is
// written, Plan checks that the key matches the leaf, that the chain is in
// order and complete, that every certificate is within its validity
// period and that the leaf covers the configured names; a failed check
// fails the resource and writes nothing. The key never leaves the
// resource: plans show it only as "(sensitive)", State holds only its
// digest, and no error quotes it.
//
// dkim_key installs the key its configuration gives (private_key, kept
// encrypted in the repository), or generates one on the host only when
// told to (generate); with neither, a missing key is an error rather than
// a new key that DNS does not publish. Its .txt record is always derived
// from the key, and plans name the key by algorithm and the fingerprint of
// its public half, never by its private material.
package pki
