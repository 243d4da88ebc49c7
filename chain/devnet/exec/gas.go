package exec

import (
	"math"
	"math/bits"

	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/internal/bcs"
)

// Gas model. Storage follows Sui exactly; computation is a simple deterministic count in
// place of Move bytecode metering.
//
// Computation (in gas units, then × the transaction's gas price):
//
//	units = BaseComputationUnits
//	      + MoveCallUnits per MoveCall command run
//	      + CommandUnits per other command run
//	      + whatever registered functions add with Call.Charge
//
// rounded up to a multiple of GasRoundingStep as Sui's gas_rounding_step does (a
// non-zero multiple stays as it is). As in Sui, execution fails with InsufficientGas
// when the budget is not strictly greater than the computation cost; the computation
// charged is then the whole budget.
//
// Storage, as Sui's gas model v2 (sui-types gas_v2.rs, protocol config of mainnet):
// every object written costs ObjectStorageSize(obj) × StorageUnitsPerByte × storage gas
// price, and that cost becomes the object's storage_rebate field. Every object the
// transaction mutated, deleted or wrapped gives back its old storage_rebate, of which the
// sender receives StorageRebateRate (99%, rounded half up) as storage_rebate in the cost
// summary and the rest is non_refundable_storage_fee. When the budget left after
// computation cannot pay storage cost minus rebate, the writes are dropped and only the
// gas coin and mutable inputs are charged; if even that does not fit, the whole budget
// is charged as computation and no storage (Sui's handle_storage_and_rebate_v2).
const (
	DefaultReferenceGasPrice uint64 = 1000
	DefaultStorageGasPrice   uint64 = 76   // storage_gas_price
	StorageUnitsPerByte      uint64 = 100  // obj_data_cost_refundable
	StorageRebateRate        uint64 = 9900 // storage_rebate_rate, basis points
	GasRoundingStep          uint64 = 1000 // gas_rounding_step
	BaseComputationUnits     uint64 = 1000 // base_tx_cost_fixed
	MoveCallUnits            uint64 = 1000
	CommandUnits             uint64 = 100

	// objectMetadataSize is what Sui's Object::object_size_for_gas_metering adds for the
	// owner, previous transaction and storage rebate: 40 + 32 + 8 bytes.
	objectMetadataSize = 40 + 32 + 8
)

// ObjectStorageSize is the size Sui charges storage for (object_size_for_gas_metering):
// 80 bytes of metadata, the contents, the BCS of the object type, 1 byte for
// has_public_transfer and 8 for the version. A SUI coin is 130 bytes.
func ObjectStorageSize(o *sui.Object) uint64 {
	if o.Data.Kind == sui.DataPackage {
		p := &o.Data.Package
		n := uint64(8)
		for _, m := range p.Modules {
			n += uint64(len(m.Name) + len(m.Bytecode))
		}
		for _, t := range p.TypeOrigins {
			n += uint64(len(t.ModuleName) + len(t.DatatypeName) + 32)
		}
		n += uint64(len(p.LinkageTable)) * (32 + 32 + 8)
		return objectMetadataSize + n
	}
	m := &o.Data.Move
	typeSize := len(bcs.Marshal(&m.Type))
	return objectMetadataSize + uint64(len(m.Contents)) + uint64(typeSize) + 1 + 8
}

// StorageCost is the storage cost (and new storage_rebate) of o at a storage gas price.
func StorageCost(o *sui.Object, storageGasPrice uint64) uint64 {
	return mulSat(mulSat(ObjectStorageSize(o), StorageUnitsPerByte), storageGasPrice)
}

// senderRebate is Sui's sender_rebate: rebate × rate / 10000, rounded half up.
func senderRebate(rebate uint64) uint64 {
	hi, lo := bits.Mul64(rebate, StorageRebateRate)
	lo, c := bits.Add64(lo, 5000, 0)
	hi += c
	q, _ := bits.Div64(hi, lo, 10000)
	return q
}

// roundUnits applies gas_rounding_step.
func roundUnits(units uint64) uint64 {
	if units > 0 && units%GasRoundingStep == 0 {
		return units
	}
	return addSat(mulSat(units/GasRoundingStep, GasRoundingStep), GasRoundingStep)
}

func mulSat(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi != 0 {
		return math.MaxUint64
	}
	return lo
}

func addSat(a, b uint64) uint64 {
	s, c := bits.Add64(a, b, 0)
	if c != 0 {
		return math.MaxUint64
	}
	return s
}

// perObjectStorage is one entry of the storage accounting (Sui's PerObjectStorage).
type perObjectStorage struct {
	cost   uint64
	rebate uint64
}

// gasStatus is the transaction's gas accounting.
type gasStatus struct {
	budget       uint64
	price        uint64
	storagePrice uint64
	units        uint64 // computation units so far
	computation  uint64 // computation cost once bucketized
	storage      []perObjectStorage
}

func (g *gasStatus) charge(units uint64) { g.units = addSat(g.units, units) }

// bucketize sets the computation cost; false means out of gas (computation = budget).
func (g *gasStatus) bucketize() bool {
	cost := mulSat(roundUnits(g.units), g.price)
	if g.budget <= cost {
		g.computation = g.budget
		return false
	}
	g.computation = cost
	return true
}

func (g *gasStatus) storageCost() (cost uint64) {
	for _, s := range g.storage {
		cost = addSat(cost, s.cost)
	}
	return cost
}

func (g *gasStatus) storageRebate() (rebate uint64) {
	for _, s := range g.storage {
		rebate = addSat(rebate, s.rebate)
	}
	return rebate
}

// storageFits is Sui's charge_storage_and_rebate check.
func (g *gasStatus) storageFits() bool {
	cost, rebate := g.storageCost(), senderRebate(g.storageRebate())
	if rebate >= cost {
		return true
	}
	return g.budget-g.computation >= cost-rebate
}

func (g *gasStatus) summary() sui.GasCostSummary {
	rebate := g.storageRebate()
	sender := senderRebate(rebate)
	return sui.GasCostSummary{
		ComputationCost:         g.computation,
		StorageCost:             g.storageCost(),
		StorageRebate:           sender,
		NonRefundableStorageFee: rebate - sender,
	}
}
