"""tenbin (天秤): a self-hosted AI gateway that balances cost, vendor risk and data sovereignty."""

__version__ = "0.1.0"


def version() -> str:
    """The installed distribution's version (``tenbin --version``, the start-up summary); the
    source tree's ``__version__`` when tenbin runs uninstalled."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("tenbin")
    except PackageNotFoundError:
        return __version__
