"""EC2 key pairs: each account's own per Region, made or imported; only public keys are kept.

Rule: the private key of CreateKeyPair is handed to the caller once and never stored,
logged or snapshotted; a key pair is its public key, fingerprint and name.
"""
