package nodetls

import (
	"crypto/ecdsa"
	"testing"

	"github.com/tuskstore/tusk/chain/keys"
)

func TestServerName(t *testing.T) {
	// Walrus writes each byte with {:x}, without padding.
	if got := ServerName([]byte{0x02, 0x0a, 0xff, 0x10, 0x33}); got != "2aff10.network.walrus.alt" {
		t.Fatal(got)
	}
}

func TestCertificateCarriesTheKey(t *testing.T) {
	k, err := keys.GenerateNetworkKey()
	if err != nil {
		t.Fatal(err)
	}
	cert, err := Certificate(k, "127.0.0.1", "node.example")
	if err != nil {
		t.Fatal(err)
	}
	pub := k.CompressedPublicKey()
	if cert.Leaf.Subject.CommonName != ServerName(pub[:]) || len(cert.Leaf.IPAddresses) != 1 || len(cert.Leaf.DNSNames) != 2 {
		t.Fatalf("certificate names: %v %v %v", cert.Leaf.Subject, cert.Leaf.IPAddresses, cert.Leaf.DNSNames)
	}
	if !cert.Leaf.PublicKey.(*ecdsa.PublicKey).Equal(k.PrivateKey().Public()) {
		t.Fatal("certificate key")
	}
	cfg, err := ClientConfig(pub[:])
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.VerifyPeerCertificate(cert.Certificate, nil); err != nil {
		t.Fatalf("own certificate refused: %v", err)
	}
	other, _ := keys.GenerateNetworkKey()
	op := other.CompressedPublicKey()
	cfg2, _ := ClientConfig(op[:])
	if err := cfg2.VerifyPeerCertificate(cert.Certificate, nil); err != ErrKeyMismatch {
		t.Fatalf("other key: %v", err)
	}
	for _, bad := range [][]byte{nil, make([]byte, 33), pub[:32]} {
		if _, err := ClientConfig(bad); err == nil {
			t.Fatalf("accepted key % x", bad)
		}
	}
}
