"""Glue of the exchange pages: certificates received from abroad (入境证书)."""
