"""``tenbin demo``: fake vendors, a policy wired to them and a store of synthetic traffic, all
marked as demo data, so a newcomer sees every feature working in one command."""
