"""Budgets: rules (who/what/period/limit/action), a reserve/settle ledger, the pipeline guard."""

from tenbin.finops.budgets.ledger import BudgetLedger, Claim, MemoryBudgetLedger

__all__ = ["BudgetLedger", "Claim", "MemoryBudgetLedger"]
