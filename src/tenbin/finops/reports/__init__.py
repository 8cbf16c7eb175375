"""Read-side FinOps: cost reports, unit economics and ROI, FOCUS export, forecasts."""
