"""AI FinOps: costs in the vendor's currency and in JPY, budgets, reports, forecasts, replays."""

from tenbin.finops.pricing import Priced, Pricer
from tenbin.fx import FxTable

__all__ = ["FxTable", "Priced", "Pricer"]
