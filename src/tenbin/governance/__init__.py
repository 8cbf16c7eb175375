"""Governance: tamper-evident audit chain, cross-border transfer records, roles and tenant scope."""

from tenbin.governance.chain import GENESIS, ChainBreak, entry_hash, verify_rows
from tenbin.governance.config import GovernanceConfig
from tenbin.governance.writer import AuditWriter

__all__ = ["GENESIS", "AuditWriter", "ChainBreak", "GovernanceConfig", "entry_hash", "verify_rows"]
