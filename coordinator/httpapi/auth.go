package httpapi

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/tuskstore/tusk/chain/walrus"
)

// AuthConfig enables JWT authentication of the publisher (Walrus's AuthConfig): every
// store must carry "Authorization: Bearer <JWT>".
type AuthConfig struct {
	// Secret is the HMAC key (HS256/384/512), or
	Secret string `yaml:"secret"`
	// PublicKeyPEM is a PEM public key (Ed25519, ECDSA or RSA) that verifies the tokens.
	PublicKeyPEM string `yaml:"public_key_pem"`
	// ExpiringSec, if positive, requires exp - iat to be exactly this many seconds.
	ExpiringSec int64 `yaml:"expiring_sec"`
	// VerifyUpload checks the upload against the claims (epochs, max_epochs, size,
	// max_size, send_object_to). The expiry is always checked.
	VerifyUpload bool `yaml:"verify_upload"`
	// ReplaySuppression refuses a token whose jti was already used (until it expires).
	ReplaySuppression bool `yaml:"replay_suppression"`
}

// Enabled reports whether tokens are required.
func (c *AuthConfig) Enabled() bool { return c.Secret != "" || c.PublicKeyPEM != "" }

// Validate checks the configuration.
func (c *AuthConfig) Validate() error {
	if c.Secret != "" && c.PublicKeyPEM != "" {
		return errors.New("auth: give a secret or a public key, not both")
	}
	if c.ExpiringSec < 0 {
		return fmt.Errorf("auth.expiring_sec: must not be negative, got %d", c.ExpiringSec)
	}
	if c.PublicKeyPEM != "" {
		if _, err := parsePublicKey(c.PublicKeyPEM); err != nil {
			return fmt.Errorf("auth.public_key_pem: %w", err)
		}
	}
	return nil
}

func parsePublicKey(s string) (crypto.PublicKey, error) {
	b, _ := pem.Decode([]byte(s))
	if b == nil {
		return nil, errors.New("no PEM block")
	}
	return x509.ParsePKIXPublicKey(b.Bytes)
}

// Claims are the JWT claims the publisher understands (Walrus's Claim).
type Claims struct {
	IssuedAt     *int64          `json:"iat,omitempty"`
	Expiry       int64           `json:"exp"`
	ID           string          `json:"jti,omitempty"`
	SendObjectTo *walrus.Address `json:"send_object_to,omitempty"`
	Epochs       *uint32         `json:"epochs,omitempty"`
	MaxEpochs    *uint32         `json:"max_epochs,omitempty"`
	MaxSize      *uint64         `json:"max_size,omitempty"`
	Size         *uint64         `json:"size,omitempty"`
}

// The jwt.Claims methods.
func (c *Claims) GetExpirationTime() (*jwt.NumericDate, error) {
	return jwt.NewNumericDate(time.Unix(c.Expiry, 0)), nil
}
func (c *Claims) GetIssuedAt() (*jwt.NumericDate, error) {
	if c.IssuedAt == nil {
		return nil, nil
	}
	return jwt.NewNumericDate(time.Unix(*c.IssuedAt, 0)), nil
}
func (c *Claims) GetNotBefore() (*jwt.NumericDate, error) { return nil, nil }
func (c *Claims) GetIssuer() (string, error)              { return "", nil }
func (c *Claims) GetSubject() (string, error)             { return "", nil }
func (c *Claims) GetAudience() (jwt.ClaimStrings, error)  { return nil, nil }

// AuthError is a refused token; Status and Reason are what the API answers.
type AuthError struct {
	Status  int
	Reason  string
	Message string
}

func (e *AuthError) Error() string { return e.Message }

func authErr(status int, reason, format string, args ...any) *AuthError {
	return &AuthError{Status: status, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// Authenticator checks bearer tokens.
type Authenticator struct {
	cfg  AuthConfig
	key  any
	now  func() time.Time
	mu   sync.Mutex
	used map[string]time.Time // jti → expiry
}

// NewAuthenticator returns an authenticator for cfg (which must be valid and enabled).
func NewAuthenticator(cfg AuthConfig) (*Authenticator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	a := &Authenticator{cfg: cfg, now: time.Now, used: map[string]time.Time{}}
	if cfg.Secret != "" {
		a.key = []byte(cfg.Secret)
	} else {
		k, err := parsePublicKey(cfg.PublicKeyPEM)
		if err != nil {
			return nil, err
		}
		a.key = k
	}
	return a, nil
}

// Check verifies the request's token and the upload it announces (query and size, with
// size -1 when not known yet). It returns the claims for the checks after the body is
// read.
func (a *Authenticator) Check(r *http.Request, q *PublisherQuery, size int64) (*Claims, error) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return nil, authErr(http.StatusUnauthorized, "MISSING_TOKEN", "an Authorization: Bearer <JWT> header is required")
	}
	claims, err := a.Parse(strings.TrimSpace(token))
	if err != nil {
		return nil, err
	}
	if err := a.checkUpload(claims, q, size); err != nil {
		return nil, err
	}
	if a.cfg.ReplaySuppression && claims.ID != "" {
		if err := a.markUsed(claims.ID, time.Unix(claims.Expiry, 0)); err != nil {
			return nil, err
		}
	}
	return claims, nil
}

// Parse verifies a token's signature and expiry.
func (a *Authenticator) Parse(token string) (*Claims, error) {
	var claims Claims
	methods := []string{"HS256", "HS384", "HS512"}
	if _, isSecret := a.key.([]byte); !isSecret {
		methods = []string{"EdDSA", "ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}
	}
	opts := []jwt.ParserOption{jwt.WithValidMethods(methods), jwt.WithExpirationRequired(), jwt.WithTimeFunc(a.now)}
	if a.cfg.ExpiringSec > 0 {
		opts = append(opts, jwt.WithIssuedAt())
	}
	_, err := jwt.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return a.key, nil }, opts...)
	switch {
	case err == nil:
	case errors.Is(err, jwt.ErrTokenExpired):
		return nil, authErr(http.StatusUnauthorized, "EXPIRED_SIGNATURE", "the token has expired")
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return nil, authErr(http.StatusUnauthorized, "INVALID_SIGNATURE", "the token's signature is invalid: %v", err)
	default:
		return nil, authErr(http.StatusUnauthorized, "INVALID_TOKEN", "the token is invalid: %v", err)
	}
	if a.cfg.ExpiringSec > 0 {
		if claims.IssuedAt == nil || claims.Expiry-*claims.IssuedAt != a.cfg.ExpiringSec {
			return nil, authErr(http.StatusBadRequest, "INVALID_EXPIRATION", "exp - iat must be %d seconds", a.cfg.ExpiringSec)
		}
	}
	return &claims, nil
}

func (a *Authenticator) checkUpload(c *Claims, q *PublisherQuery, size int64) error {
	if c.MaxSize != nil && c.Size != nil {
		return authErr(http.StatusBadRequest, "INCONSISTENT_TOKEN", "the token has both size and max_size")
	}
	if c.Epochs != nil && c.MaxEpochs != nil {
		return authErr(http.StatusBadRequest, "INCONSISTENT_TOKEN", "the token has both epochs and max_epochs")
	}
	if !a.cfg.VerifyUpload {
		return nil
	}
	if err := c.CheckSize(size); err != nil {
		return err
	}
	if c.Epochs != nil && q.Epochs != *c.Epochs {
		return authErr(http.StatusBadRequest, "INVALID_EPOCHS", "the token allows epochs=%d, the request asks %d", *c.Epochs, q.Epochs)
	}
	if c.MaxEpochs != nil && q.Epochs > *c.MaxEpochs {
		return authErr(http.StatusBadRequest, "INVALID_EPOCHS", "the token allows at most %d epochs, the request asks %d", *c.MaxEpochs, q.Epochs)
	}
	if c.SendObjectTo != nil && (q.SendObjectTo == nil || *q.SendObjectTo != *c.SendObjectTo) {
		return authErr(http.StatusBadRequest, "INVALID_SEND_OBJECT_TO", "the token requires send_object_to=%s", *c.SendObjectTo)
	}
	return nil
}

// CheckSize checks a body size (negative: unknown, nothing checked) against the size and
// max_size claims.
func (c *Claims) CheckSize(size int64) error {
	if size < 0 {
		return nil
	}
	if c.MaxSize != nil && uint64(size) > *c.MaxSize {
		return authErr(http.StatusRequestEntityTooLarge, "INVALID_SIZE", "the token allows at most %d bytes, the body has %d", *c.MaxSize, size)
	}
	if c.Size != nil && uint64(size) != *c.Size {
		return authErr(http.StatusBadRequest, "INVALID_SIZE", "the token is for %d bytes, the body has %d", *c.Size, size)
	}
	return nil
}

// markUsed records a token ID, refusing one already used.
func (a *Authenticator) markUsed(jti string, exp time.Time) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	for k, e := range a.used {
		if now.After(e) {
			delete(a.used, k)
		}
	}
	if _, ok := a.used[jti]; ok {
		return authErr(http.StatusTooManyRequests, "TOKEN_ALREADY_USED", "the token was already used")
	}
	a.used[jti] = exp
	return nil
}
