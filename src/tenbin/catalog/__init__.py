"""Model catalog: prices with effective dates, processing regions and vendor data terms."""

from tenbin.catalog.catalog import Capabilities, Catalog, ModelSpec, Price, load_catalog

__all__ = ["Capabilities", "Catalog", "ModelSpec", "Price", "load_catalog"]
