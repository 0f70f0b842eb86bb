"""Pages of the exchange with other countries: certificates received from abroad (入境证书)."""
