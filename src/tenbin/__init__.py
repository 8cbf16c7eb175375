"""tenbin (天秤): a self-hosted AI gateway that balances cost, vendor risk and data sovereignty."""

__version__ = "0.1.0"
