/**
 * What a client of a stowage server or of a registry needs to talk to it safely: the certificate authority its
 * TLS certificate is checked against and the credentials it presents ({@link io.stowage.net.ClientSecurity}).
 * Used by the remote stores, the transfer clients and the command line. Nothing here is null unless documented.
 */
package io.stowage.net;
