// Package nodetls gives storage nodes their TLS identity as Walrus does: a self-signed
// certificate for the node's network key (secp256r1), whose compressed public key is
// registered on chain, and client configurations that trust a node exactly when it
// proves possession of the key registered for it (the key is pinned; no CA is involved).
//
// Reference: crates/walrus-service/src/node/server.rs (create_self_signed_certificate),
// crates/walrus-storage-node-client/src/tls.rs and lib.rs (server_name_from_public_key,
// the pinning verifier).
package nodetls

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net"
	"strings"
	"time"

	"github.com/tuskstore/tusk/chain/keys"
)

// ErrKeyMismatch reports a server whose certificate does not carry the pinned key.
var ErrKeyMismatch = errors.New("nodetls: the server's certificate does not carry the pinned network key")

// ServerName is the name Walrus derives from a network public key: the first four bytes
// in unpadded lower-case hex, then ".network.walrus.alt".
func ServerName(pub []byte) string {
	var b strings.Builder
	for i := 0; i < 4 && i < len(pub); i++ {
		fmt.Fprintf(&b, "%x", pub[i])
	}
	b.WriteString(".network.walrus.alt")
	return b.String()
}

// Certificate makes the node's self-signed certificate: subject and issuer the derived
// server name, the alternative names that name plus hosts (DNS names or IP addresses
// under which the node is reached), valid from an hour ago for a hundred years.
func Certificate(key *keys.NetworkKey, hosts ...string) (tls.Certificate, error) {
	pub := key.CompressedPublicKey()
	name := ServerName(pub[:])
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("nodetls: serial: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().AddDate(100, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		DNSNames:              []string{name},
	}
	for _, h := range hosts {
		if h == "" {
			continue
		}
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	priv := key.PrivateKey()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("nodetls: create certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("nodetls: parse certificate: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: priv, Leaf: leaf}, nil
}

// ServerConfig is the TLS configuration of a node's REST server: its certificate,
// TLS 1.3 at least, HTTP/2 preferred.
func ServerConfig(cert tls.Certificate) *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS13,
		NextProtos:   []string{"h2", "http/1.1"},
	}
}

// ClientConfig is a TLS configuration that accepts a server only if its leaf
// certificate carries the pinned network public key (33-byte compressed P-256). The TLS
// handshake proves the server holds the matching private key, so expiry, issuer and
// names do not matter, as with Walrus's pinned keys.
func ClientConfig(pinned []byte) (*tls.Config, error) {
	want, err := parseCompressed(pinned)
	if err != nil {
		return nil, err
	}
	return &tls.Config{
		MinVersion:         tls.VersionTLS13,
		NextProtos:         []string{"h2"},
		ServerName:         ServerName(pinned),
		InsecureSkipVerify: true, // replaced by the pinning check below
		VerifyPeerCertificate: func(rawCerts [][]byte, _ [][]*x509.Certificate) error {
			if len(rawCerts) == 0 {
				return ErrKeyMismatch
			}
			leaf, err := x509.ParseCertificate(rawCerts[0])
			if err != nil {
				return fmt.Errorf("nodetls: server certificate: %w", err)
			}
			got, ok := leaf.PublicKey.(*ecdsa.PublicKey)
			if !ok || !got.Equal(want) {
				return ErrKeyMismatch
			}
			return nil
		},
	}, nil
}

func parseCompressed(pub []byte) (*ecdsa.PublicKey, error) {
	if len(pub) != keys.NetworkPublicKeySize {
		return nil, fmt.Errorf("nodetls: network public key must be %d bytes, got %d", keys.NetworkPublicKeySize, len(pub))
	}
	x, y := elliptic.UnmarshalCompressed(elliptic.P256(), pub)
	if x == nil {
		return nil, errors.New("nodetls: network public key is not a compressed P-256 point")
	}
	raw := make([]byte, 65)
	raw[0] = 4
	x.FillBytes(raw[1:33])
	y.FillBytes(raw[33:])
	k, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
	if err != nil {
		return nil, fmt.Errorf("nodetls: network public key: %w", err)
	}
	return k, nil
}
