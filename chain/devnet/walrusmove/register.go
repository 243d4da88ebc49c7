package walrusmove

import (
	"fmt"
	"sort"

	"github.com/tuskstore/tusk/chain/devnet/exec"
)

// Register declares the Walrus and WAL struct types in reg and registers the Walrus
// Move functions under ids.WalrusPackage:
//
//	system::           reserve_space, reserve_space_for_epochs, register_blob, certify_blob,
//	                   delete_blob, extend_blob_with_resource, extend_blob,
//	                   invalidate_blob_id, add_subsidy, and the accessors epoch,
//	                   total_capacity_size, used_capacity_size, n_shards,
//	                   storage_price_per_unit_size, write_price_per_unit_size
//	blob::             burn, add_metadata, add_or_replace_metadata, take_metadata,
//	                   insert_or_update_metadata_pair, remove_metadata_pair,
//	                   remove_metadata_pair_if_exists, and the accessors object_id,
//	                   registered_epoch, blob_id, size, encoding_type, end_epoch,
//	                   is_deletable
//	metadata::         new, insert_or_update, remove, remove_if_exists
//	storage_resource:: split_by_epoch, split_by_size, fuse_periods, fuse_amount, fuse,
//	                   destroy, start_epoch, end_epoch, size
//	shared_blob::      new, new_funded, fund, extend (blob and funds return references,
//	                   which transactions cannot call)
//	staking::          register_candidate, set_next_commission, collect_commission,
//	                   set_commission_receiver, set_governance_authorized,
//	                   set_storage_price_vote, set_write_price_vote, set_node_capacity_vote,
//	                   update_prices, set_next_public_key, set_name, set_network_address,
//	                   set_network_public_key, voting_end, initiate_epoch_change (which
//	                   aborts, deprecated), initiate_epoch_change_v2, epoch_sync_done,
//	                   stake_with_pool, request_withdraw_stake, withdraw_stake,
//	                   try_join_active_set, and epoch, calculate_rewards,
//	                   can_withdraw_staked_wal_early
//	auth::             authenticate_sender, authenticate_with_object, authorized_address,
//	                   authorized_object
//	node_metadata::    new
//	staked_wal::       split, join, node_id, value, activation_epoch, is_staked,
//	                   is_withdrawing
//
// ids.WalrusPackage and ids.WALPackage must be set; the System object is found through
// the function arguments, so ids.System may be anything.
func Register(reg *exec.Registry, ids IDs) error {
	if ids.WalrusPackage.IsZero() || ids.WALPackage.IsZero() {
		return fmt.Errorf("walrusmove: Register needs the Walrus and WAL package IDs")
	}
	ks := exec.AbilityKey | exec.AbilityStore
	cds := exec.AbilityCopy | exec.AbilityDrop | exec.AbilityStore
	types := []struct {
		module, name string
		def          exec.TypeDef
	}{
		{"system", "System", exec.TypeDef{Abilities: exec.AbilityKey}},
		{"staking", "Staking", exec.TypeDef{Abilities: exec.AbilityKey}},
		{"blob", "Blob", exec.TypeDef{Abilities: ks}},
		{"storage_resource", "Storage", exec.TypeDef{Abilities: ks}},
		{"shared_blob", "SharedBlob", exec.TypeDef{Abilities: ks}},
		{"metadata", "Metadata", exec.TypeDef{Abilities: exec.AbilityDrop | exec.AbilityStore}},
		{"system_state_inner", "SystemStateInnerV1", exec.TypeDef{Abilities: exec.AbilityStore}},
		{"staking_inner", "StakingInnerV1", exec.TypeDef{Abilities: exec.AbilityStore}},
		{"staking_pool", "StakingPool", exec.TypeDef{Abilities: ks}},
		{"staked_wal", "StakedWal", exec.TypeDef{Abilities: ks}},
		{"storage_node", "StorageNodeCap", exec.TypeDef{Abilities: ks}},
		{"extended_field", "ExtendedField", exec.TypeDef{Abilities: ks, Phantom: []bool{true}}},
		{"extended_field", "Key", exec.TypeDef{Abilities: cds}},
		{"active_set", "ActiveSet", exec.TypeDef{Abilities: exec.AbilityStore | exec.AbilityCopy | exec.AbilityDrop}},
		{"node_metadata", "NodeMetadata", exec.TypeDef{Abilities: cds}},
		{"pool_exchange_rate", "PoolExchangeRate", exec.TypeDef{Abilities: cds}},
		{"auth", "Authenticated", exec.TypeDef{Abilities: exec.AbilityDrop}},
		{"auth", "Authorized", exec.TypeDef{Abilities: cds}},
		{"staking_pool", "NewEpochCommissionBlockedForCollection", exec.TypeDef{Abilities: cds}},
	}
	for _, t := range types {
		if err := reg.RegisterType(ids.WalrusPackage, t.module, t.name, t.def); err != nil {
			return err
		}
	}
	// wal::wal::WAL has drop (a one-time witness), like 0x2::sui::SUI.
	for _, t := range []struct {
		name string
		def  exec.TypeDef
	}{
		{"WAL", exec.TypeDef{Abilities: exec.AbilityDrop}},
		{"ProtectedTreasury", exec.TypeDef{Abilities: exec.AbilityKey}},
		{"TreasuryCapKey", exec.TypeDef{Abilities: cds}},
	} {
		if err := reg.RegisterType(ids.WALPackage, "wal", t.name, t.def); err != nil {
			return err
		}
	}
	m := &module{ids: ids}
	for _, group := range []struct {
		module string
		funcs  map[string]exec.Function
	}{
		{"system", m.systemFunctions()},
		{"blob", m.blobFunctions()},
		{"metadata", m.metadataFunctions()},
		{"storage_resource", m.storageFunctions()},
		{"shared_blob", m.sharedBlobFunctions()},
		{"staking", m.stakingFunctions()},
		{"auth", m.authFunctions()},
		{"node_metadata", m.nodeMetadataFunctions()},
		{"staked_wal", m.stakedWalFunctions()},
	} {
		names := make([]string, 0, len(group.funcs))
		for name := range group.funcs {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			if err := reg.Register(ids.WalrusPackage, group.module, name, group.funcs[name]); err != nil {
				return err
			}
		}
	}
	return nil
}
