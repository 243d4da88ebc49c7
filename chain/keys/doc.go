// Package keys holds the keys tusk signs with, in the forms Sui and Walrus use:
//
//   - Sui account keys (ed25519 only): Keypair, the Sui address, transaction and
//     personal-message signatures (the 97-byte serialized form flag ‖ sig ‖ pubkey),
//     `suiprivkey1…` bech32 strings and the Sui keystore file (a JSON array of
//     base64 flag ‖ 32-byte secret).
//   - Storage-node protocol keys: BLS12-381 min-pk (48-byte compressed G1 public keys,
//     96-byte compressed G2 signatures, DST BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_),
//     as fastcrypto's min_pk and Sui's bls12381_min_pk_verify use them. The text form is
//     Walrus's: base64(0x04 ‖ 32-byte big-endian secret scalar).
//   - Storage-node network keys: secp256r1 (P-256), stored as PKCS#8 PEM; the 33-byte
//     compressed public key is what the node registers on chain.
//
// Only ed25519 Sui keys are supported: any other signature scheme flag (secp256k1,
// secp256r1, multisig, zkLogin, passkey) is refused with ErrUnsupportedScheme, never
// misread as ed25519.
//
// Secret key files are written atomically with mode 0600, and the BLS and network key
// loaders refuse a file that group or others can read.
package keys
