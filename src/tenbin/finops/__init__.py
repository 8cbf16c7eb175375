"""AI FinOps: costs in the vendor's currency and in JPY, budgets, reports, forecasts, replays."""

from tenbin.finops.fx import FxTable
from tenbin.finops.pricing import Priced, Pricer

__all__ = ["FxTable", "Priced", "Pricer"]
