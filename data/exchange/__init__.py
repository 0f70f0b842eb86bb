"""The exchange with other countries' systems: the ePhyto Hub node (outbox, delivery, tracking, pulling) and
the certificates received from abroad (入境证书), checked, stored and matched to entry declarations."""
