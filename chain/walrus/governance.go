package walrus

import "github.com/tuskstore/tusk/internal/bcs"

// UpgradeCap is sui::package::UpgradeCap, held inside the UpgradeManager.
type UpgradeCap struct {
	ID      ID
	Package ID
	Version uint64
	Policy  uint8
}

func (c *UpgradeCap) MarshalBCS(e *bcs.Encoder) {
	c.ID.MarshalBCS(e)
	c.Package.MarshalBCS(e)
	e.U64(c.Version)
	e.U8(c.Policy)
}

func (c *UpgradeCap) UnmarshalBCS(d *bcs.Decoder) {
	c.ID.UnmarshalBCS(d)
	c.Package.UnmarshalBCS(d)
	c.Version = d.U64()
	c.Policy = d.U8()
}

// UpgradeManager is walrus::upgrade::UpgradeManager.
type UpgradeManager struct {
	ID               ID
	Cap              UpgradeCap
	UpgradeProposals Table // Table<PackageDigest, UpgradeProposal>: see UpgradeProposalField
}

func (m *UpgradeManager) MarshalBCS(e *bcs.Encoder) {
	m.ID.MarshalBCS(e)
	m.Cap.MarshalBCS(e)
	m.UpgradeProposals.MarshalBCS(e)
}

func (m *UpgradeManager) UnmarshalBCS(d *bcs.Decoder) {
	m.ID.UnmarshalBCS(d)
	m.Cap.UnmarshalBCS(d)
	m.UpgradeProposals.UnmarshalBCS(d)
}

// UpgradeProposal is walrus::upgrade::UpgradeProposal.
type UpgradeProposal struct {
	Epoch        uint32
	Digest       []byte // PackageDigest(vector<u8>)
	Version      uint64
	VotingWeight uint16
	Voters       []ID // VecSet<ID>
}

func (p *UpgradeProposal) MarshalBCS(e *bcs.Encoder) {
	e.U32(p.Epoch)
	e.ByteVec(p.Digest)
	e.U64(p.Version)
	e.U16(p.VotingWeight)
	putVec(e, p.Voters)
}

func (p *UpgradeProposal) UnmarshalBCS(d *bcs.Decoder) {
	p.Epoch = d.U32()
	p.Digest = getBytes(d)
	p.Version = d.U64()
	p.VotingWeight = d.U16()
	p.Voters = getVec[ID](d, 32)
}

// EmergencyUpgradeCap is walrus::upgrade::EmergencyUpgradeCap.
type EmergencyUpgradeCap struct {
	ID               ID
	UpgradeManagerID ID
}

func (c *EmergencyUpgradeCap) MarshalBCS(e *bcs.Encoder) {
	c.ID.MarshalBCS(e)
	c.UpgradeManagerID.MarshalBCS(e)
}

func (c *EmergencyUpgradeCap) UnmarshalBCS(d *bcs.Decoder) {
	c.ID.UnmarshalBCS(d)
	c.UpgradeManagerID.UnmarshalBCS(d)
}

// SlashingManager is walrus::slashing::SlashingManager.
type SlashingManager struct {
	ID                 ID
	SlashingCandidates Table // Table<ID, SlashingProposal>: see SlashingProposalField
}

func (m *SlashingManager) MarshalBCS(e *bcs.Encoder) {
	m.ID.MarshalBCS(e)
	m.SlashingCandidates.MarshalBCS(e)
}

func (m *SlashingManager) UnmarshalBCS(d *bcs.Decoder) {
	m.ID.UnmarshalBCS(d)
	m.SlashingCandidates.UnmarshalBCS(d)
}

// SlashingProposal is walrus::slashing::SlashingProposal.
type SlashingProposal struct {
	Epoch        uint32
	NodeID       ID
	VotingWeight uint16
	Voters       []ID // VecSet<ID>
}

func (p *SlashingProposal) MarshalBCS(e *bcs.Encoder) {
	e.U32(p.Epoch)
	p.NodeID.MarshalBCS(e)
	e.U16(p.VotingWeight)
	putVec(e, p.Voters)
}

func (p *SlashingProposal) UnmarshalBCS(d *bcs.Decoder) {
	p.Epoch = d.U32()
	p.NodeID.UnmarshalBCS(d)
	p.VotingWeight = d.U16()
	p.Voters = getVec[ID](d, 32)
}
