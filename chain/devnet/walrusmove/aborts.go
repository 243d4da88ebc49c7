package walrusmove

import (
	"errors"
	"regexp"
	"strings"

	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/devnet/exec"
	"github.com/tuskstore/tusk/chain/walrus"
)

// Where Move aborts. A contract.Abort names the module of the failed assert! and its
// code; the function the effects report is the one holding the assert! (macros are
// inlined into their caller). Most constants are asserted in one function only; the
// others depend on the entry point and are given by the caller as overrides (at).

// at overrides the function of one abort for one call.
type at struct {
	err      *contract.Abort
	function string
}

type abortKey struct {
	module string
	code   uint64
}

// abortFunctions is the function of each abort asserted in a single place (for the
// storage half of the System and the Sui framework functions it calls).
var abortFunctions = map[abortKey]string{
	{"walrus::system_state_inner", 0}:  "create_empty",
	{"walrus::system_state_inner", 11}: "reserve_space_without_payment", // EInvalidResourceSize
	{"walrus::system_state_inner", 5}:  "advance_epoch",

	{"walrus::storage_accounting", 0}: "ring_lookup_mut",

	{"walrus::storage_resource", 0}: "split_by_epoch",
	{"walrus::storage_resource", 2}: "fuse_periods",
	{"walrus::storage_resource", 1}: "fuse_periods",
	{"walrus::storage_resource", 3}: "create_storage",

	{"walrus::blob", 0}:  "assert_certified_not_expired", // ENotCertified
	{"walrus::blob", 1}:  "delete",                       // EBlobNotDeletable
	{"walrus::blob", 3}:  "new",                          // EResourceSize
	{"walrus::blob", 5}:  "certify_with_certified_msg",   // EAlreadyCertified
	{"walrus::blob", 7}:  "add_metadata",                 // EDuplicateMetadata
	{"walrus::blob", 8}:  "metadata",                     // EMissingMetadata
	{"walrus::blob", 9}:  "certify_with_certified_msg",   // EInvalidBlobPersistenceType
	{"walrus::blob", 10}: "certify_with_certified_msg",   // EInvalidBlobObject

	{"walrus::encoding", 0}: "encoded_blob_length",

	{"walrus::bls_aggregate", 0}: "verify_certificate_and_weight",
	{"walrus::bls_aggregate", 1}: "verify_certificate_and_weight",
	{"walrus::bls_aggregate", 2}: "verify_certificate_and_weight",
	{"walrus::bls_aggregate", 3}: "new_bls_committee",

	{"walrus::messages", 0}: "new_certified_message",
	{"walrus::messages", 1}: "new_certified_message",
	{"walrus::messages", 3}: "new_certified_message",
	{"walrus::messages", 4}: "peel_blob_persistence_type",
	{"walrus::messages", 5}: "object_id",

	{"walrus::staking_inner", 3}:       "dhondt",     // ENoStake
	{"walrus::apportionment_queue", 0}: "pop_max",    // EPopFromEmptyHeap
	{"walrus::committee", 0}:           "transition", // EInvalidShardAssignment
	{"walrus::staking", 1}:             "inner_mut",

	{"sui::balance", 2}:   "split",
	{"sui::vec_map", 0}:   "insert",
	{"sui::vec_map", 1}:   "get_idx",
	{"sui::bcs", 0}:       "peel_u8",
	{"walrus::system", 1}: "inner",
}

// The packages of the module prefixes contract.Abort uses.
func modulePackage(ids *IDs, prefix string) (walrus.ID, bool) {
	switch prefix {
	case "walrus":
		return ids.WalrusPackage, true
	case "sui":
		return addr2, true
	case "std":
		return addr1, true
	}
	return walrus.ID{}, false
}

// bcsPeel picks sui::bcs's peel function from the abort's detail ("peeling u32 ...").
var bcsPeel = regexp.MustCompile(`^peeling (u8|u16|u32|u64|u128|u256|address|bool) `)

// arithmeticWhere finds the function an arithmetic error names.
var arithmeticWhere = regexp.MustCompile(`\b(walrus|sui|std)::([A-Za-z_][A-Za-z0-9_]*)::([A-Za-z_][A-Za-z0-9_]*)`)

// moveError turns an error of a contract function into the executor's Move failure: a
// contract.Abort into c.Abort at the module and function holding the assert!, an
// arithmetic or vector error into c.ArithmeticError. Other errors are returned as they
// are (the executor reports them as invariant violations).
func moveError(c *exec.Call, ids *IDs, err error, overrides ...at) error {
	if err == nil {
		return nil
	}
	var a *contract.Abort
	if errors.As(err, &a) {
		prefix, module, ok := strings.Cut(a.Module, "::")
		pkg, known := modulePackage(ids, prefix)
		if !ok || !known {
			return err
		}
		function := ""
		for _, o := range overrides {
			if errors.Is(err, o.err) {
				function = o.function
				break
			}
		}
		if function == "" {
			function = a.Function
		}
		if function == "" {
			function = abortFunctions[abortKey{a.Module, a.Code}]
		}
		if a.Module == "sui::bcs" {
			if m := bcsPeel.FindStringSubmatch(a.Detail); m != nil {
				function = "peel_" + m[1]
			}
		}
		if function == "" {
			function = c.Function()
		}
		return c.Abort(pkg, module, function, a.Code)
	}
	if errors.Is(err, contract.ErrArithmetic) || errors.Is(err, contract.ErrVectorOperation) {
		if m := arithmeticWhere.FindStringSubmatch(err.Error()); m != nil {
			if pkg, ok := modulePackage(ids, m[1]); ok {
				return c.ArithmeticError(pkg, m[2], m[3])
			}
		}
		return c.ArithmeticError(c.Package(), c.Module(), c.Function())
	}
	return err
}
