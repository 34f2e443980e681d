"""Reports: render(report) -> str, one module per output format."""
